/** The chat WebSocket over the real server (DESIGN.md §9 frames). */
import assert from "node:assert/strict";
import { Client, signedInClient } from "./helpers/client.ts";
import { RawWsClient } from "./helpers/chat_ws.ts";
import { CloseCode } from "../lib/chat/protocol.ts";
import { chatRoomFixture } from "./helpers/chat_room.ts";

const setup = (env?: Record<string, string>) => chatRoomFixture({ env });

async function history(c: Client, room: string) {
  return (await c.json<{ messages: { text: string; seq: number }[] }>(
    `/api/rooms/${room}/messages?limit=200`,
  )).body.messages;
}

Deno.test("chat ws: two users exchange messages live; ack carries the durable id and seq", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  const wb = await t.socket(t.b);
  assert.deepEqual(await wa.subscribe(t.room), [
    { type: "subscribed", room: t.room, seq: 0 },
  ]);
  await wb.subscribe(t.room);
  const ack = await wa.sendMessage(t.room, "hello <b>bob</b>", "cid-1");
  assert.deepEqual(ack, {
    type: "ack",
    cid: "cid-1",
    room: t.room,
    id: ack.id,
    seq: 1,
  });
  // Durable before the ack: the log has it.
  assert.deepEqual((await history(t.b, t.room)).map((m) => m.text), [
    "hello <b>bob</b>",
  ]);
  const got = await wb.nextOf("message", t.room);
  assert.equal(got.message.id, ack.id);
  assert.equal(got.message.author, t.a.username);
  assert.equal(got.message.text, "hello <b>bob</b>");
  assert.ok(!Number.isNaN(Date.parse(got.message.createdAt)));
  await wb.sendMessage(t.room, "hi alice", "cid-2");
  const back = await wa.next((f) =>
    f.type === "message" && f.message.cid === "cid-2"
  );
  assert.equal(back.message.seq, 2);
});

Deno.test("chat ws: resending a cid answers the same ack and stores and broadcasts nothing new", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  const wb = await t.socket(t.b);
  await wb.subscribe(t.room);
  const first = await wa.sendMessage(t.room, "once", "same-cid");
  const again = await wa.sendMessage(t.room, "once", "same-cid");
  assert.deepEqual(again, first);
  await wa.sendMessage(t.room, "next", "other-cid");
  const m1 = await wb.nextOf("message", t.room);
  const m2 = await wb.nextOf("message", t.room);
  assert.deepEqual([m1.message.text, m2.message.text], ["once", "next"]);
  assert.deepEqual((await history(t.a, t.room)).map((m) => m.seq), [1, 2]);
});

Deno.test("chat ws: disconnect, miss 5, reconnect with after: exactly those 5 in order, then live", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  let wb = await t.socket(t.b);
  await wb.subscribe(t.room);
  await wa.sendMessage(t.room, "seen", "s0");
  const seen = await wb.nextOf("message", t.room);
  await wb.close();
  for (let i = 1; i <= 5; i++) {
    await wa.sendMessage(t.room, `missed ${i}`, `m${i}`);
  }
  wb = await t.socket(t.b);
  const replay = await wb.subscribe(t.room, seen.message.seq);
  assert.deepEqual(
    replay.map((f) => f.type === "message" ? f.message.text : f.type),
    ["missed 1", "missed 2", "missed 3", "missed 4", "missed 5", "subscribed"],
  );
  assert.deepEqual(replay.at(-1), { type: "subscribed", room: t.room, seq: 6 });
  await wa.sendMessage(t.room, "live", "l1");
  const live = await wb.nextOf("message", t.room);
  assert.equal(live.message.seq, 7);
  // Nothing twice at the seam.
  assert.equal(wb.inbox.filter((f) => f.type === "message").length, 0);
});

Deno.test("chat ws: subscribe without after replays nothing and goes live", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  await wa.sendMessage(t.room, "old", "o1");
  const wb = await t.socket(t.b);
  assert.deepEqual(await wb.subscribe(t.room), [
    { type: "subscribed", room: t.room, seq: 1 },
  ]);
  await wa.sendMessage(t.room, "new", "n1");
  assert.equal((await wb.nextOf("message", t.room)).message.text, "new");
});

Deno.test("chat ws: a non-member is refused on subscribe, send, edit and typing", async () => {
  await using t = await setup();
  const c = await signedInClient(t.server.url);
  const wc = await t.socket(c);
  wc.send({ type: "subscribe", room: t.room });
  assert.equal((await wc.nextOf("error")).code, "not_found");
  const r = await wc.sendMessage(t.room, "let me in", "x1");
  assert.equal(r.type, "error");
  assert.equal(r.code, "not_found");
  assert.equal(r.cid, "x1");
  wc.send({ type: "typing", room: t.room });
  assert.equal((await wc.nextOf("error")).code, "not_found");
  wc.send({
    type: "edit",
    room: t.room,
    id: "01J0000000000000000000000",
    text: "x",
  });
  assert.equal((await wc.nextOf("error")).code, "not_found");
  wc.send({ type: "read", room: t.room, seq: 1 });
  assert.equal((await wc.nextOf("error")).code, "not_found");
  assert.deepEqual(await history(t.a, t.room), []);
  // The socket stays open.
  wc.send({ type: "ping" });
  await wc.nextOf("pong");
});

Deno.test("chat ws: the upgrade needs a session (401) and a same-origin Origin (403)", async () => {
  await using t = await setup();
  const url = t.server.url.replace("http", "ws") + "/api/ws";
  await assert.rejects(
    RawWsClient.open(url, { origin: t.server.url }),
    /401/,
  );
  for (const origin of ["https://evil.example", "null"]) {
    await assert.rejects(
      RawWsClient.open(url, { origin, cookie: t.a.cookieHeader }),
      /403/,
    );
  }
  await assert.rejects(
    RawWsClient.open(url, { cookie: t.a.cookieHeader }),
    /403/,
  );
  const ok = await RawWsClient.open(url, {
    origin: t.server.url,
    cookie: t.a.cookieHeader,
  });
  ok.close();
});

Deno.test("chat ws: malformed, empty and oversize frames get error frames and the socket stays open", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  const cases: [string, string][] = [
    ["", "bad_frame"],
    ["not json", "bad_json"],
    ["[]", "bad_frame"],
    ['{"type":"fly"}', "unknown_type"],
    [
      JSON.stringify({ type: "send", room: t.room, text: "", cid: "e1" }),
      "invalid_text",
    ],
    [
      JSON.stringify({ type: "send", room: t.room, text: "   ", cid: "e2" }),
      "invalid_text",
    ],
    [
      JSON.stringify({
        type: "send",
        room: t.room,
        text: "x".repeat(4001),
        cid: "e3",
      }),
      "invalid_text",
    ],
    [
      JSON.stringify({ type: "send", room: t.room, text: "no cid" }),
      "bad_frame",
    ],
    [
      JSON.stringify({ type: "subscribe", room: t.room, after: "1" }),
      "bad_frame",
    ],
  ];
  for (const [frame, code] of cases) {
    wa.send(frame);
    const err = await wa.nextOf("error");
    assert.equal(err.code, code, frame.slice(0, 60));
    assert.ok(err.message);
  }
  wa.ws.send(new Uint8Array([1, 2, 3]));
  assert.equal((await wa.nextOf("error")).code, "bad_frame");
  // 4,000 characters is fine; the socket still works.
  const ok = await wa.sendMessage(t.room, "y".repeat(4000), "big-ok");
  assert.equal(ok.type, "ack");
  assert.deepEqual((await history(t.a, t.room)).map((m) => m.text.length), [
    4000,
  ]);
});

Deno.test("chat ws: a 70 KiB frame closes the socket with 1009 and stores nothing", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  wa.send(JSON.stringify({
    type: "send",
    room: t.room,
    text: "z".repeat(70 * 1024),
    cid: "huge",
  }));
  const ev = await wa.closed;
  assert.equal(ev.code, CloseCode.tooBig);
  assert.deepEqual(await history(t.a, t.room), []);
  // Exactly 64 KiB of frame is still accepted (as an error for the text).
  const wb = await t.socket(t.a);
  const pad = 64 * 1024 - JSON.stringify({ type: "ping", p: "" }).length;
  wb.send(JSON.stringify({ type: "ping", p: "p".repeat(pad) }));
  await wb.nextOf("pong");
});

Deno.test("chat ws: edit and delete own messages reach subscribers; others' messages are refused", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  const wb = await t.socket(t.b);
  await wa.subscribe(t.room);
  await wb.subscribe(t.room);
  const ack = await wa.sendMessage(t.room, "typo", "e1");
  await wb.nextOf("message", t.room);
  wa.send({ type: "edit", room: t.room, id: ack.id, text: "fixed" });
  const edited = await wb.nextOf("edited", t.room);
  assert.equal(edited.message.text, "fixed");
  assert.ok(edited.message.editedAt);
  wb.send({ type: "delete", room: t.room, id: ack.id });
  assert.equal((await wb.nextOf("error")).code, "not_author");
  wa.send({ type: "delete", room: t.room, id: ack.id });
  const deleted = await wb.nextOf("deleted", t.room);
  assert.equal(deleted.message.deleted, true);
  assert.equal(deleted.message.text, "");
  const [tomb] = await history(t.b, t.room);
  assert.equal(tomb.text, "");
});

Deno.test("chat ws: the send rate limit answers rate_limited with the cid", async () => {
  await using t = await setup({
    CHAT_SEND_BURST: "3",
    CHAT_SEND_PER_SECOND: "0",
  });
  const wa = await t.socket(t.a);
  const answers = [];
  for (let i = 0; i < 5; i++) {
    wa.send({ type: "send", room: t.room, text: `m${i}`, cid: `r${i}` });
  }
  for (let i = 0; i < 5; i++) {
    answers.push(await wa.next((f) => f.cid === `r${i}`));
  }
  assert.deepEqual(answers.map((f) => f.code ?? f.type), [
    "ack",
    "ack",
    "ack",
    "rate_limited",
    "rate_limited",
  ]);
  assert.equal((await history(t.a, t.room)).length, 3);
});

Deno.test("chat ws: bus events for user:<name> (e.g. campaign progress) reach all of that user's sockets only", async () => {
  await using t = await setup();
  const a1 = await t.socket(t.a);
  const a2 = await t.socket(t.a);
  const wb = await t.socket(t.b);
  // Every socket is registered once it has answered a frame.
  for (const ws of [a1, a2, wb]) {
    ws.send({ type: "ping" });
    await ws.nextOf("pong");
  }
  const event = { type: "campaign", id: "C1", status: "sending", sent: 2 };
  t.server.app.deps.bus.publish(`user:${t.a.username}`, event);
  assert.deepEqual(await a1.nextOf("campaign"), event);
  assert.deepEqual(await a2.nextOf("campaign"), event);
  wb.send({ type: "ping" });
  await wb.nextOf("pong");
  assert.ok(!wb.inbox.some((f) => f.type === "campaign"));
});

Deno.test("chat ws: presence follows a user's sockets and typing reaches the other member", async () => {
  await using t = await setup();
  const wb = await t.socket(t.b);
  await wb.subscribe(t.room);
  const wa = await t.socket(t.a);
  const isA = (f: { type: string; user?: string }) =>
    f.type === "presence" && f.user === t.a.username;
  assert.equal((await wb.next(isA, "a online")).online, true);
  await wa.subscribe(t.room);
  // a sees b online when subscribing.
  assert.equal(
    (await wa.next((f) => f.type === "presence" && f.user === t.b.username))
      .online,
    true,
  );
  wa.send({ type: "typing", room: t.room });
  assert.deepEqual(await wb.nextOf("typing", t.room), {
    type: "typing",
    room: t.room,
    user: t.a.username,
  });
  await wa.close();
  assert.equal((await wb.next(isA, "a offline")).online, false);
  // Neither presence nor typing is stored as a message.
  assert.deepEqual(await history(t.b, t.room), []);
});

Deno.test("chat ws: leaving a room stops its live messages on all of the user's sockets", async () => {
  await using t = await setup();
  const { body: pub } = await t.a.json<{ id: string }>("/api/rooms", {
    json: { name: "open", visibility: "public" },
  });
  await t.b.json(`/api/rooms/${pub.id}/join`, { method: "POST" });
  const wa = await t.socket(t.a);
  const wb = await t.socket(t.b);
  await wb.subscribe(pub.id);
  await wa.sendMessage(pub.id, "before", "1");
  assert.equal((await wb.nextOf("message", pub.id)).message.text, "before");
  assert.equal(
    (await t.b.json(`/api/rooms/${pub.id}/leave`, { method: "POST" })).status,
    200,
  );
  assert.deepEqual(await wb.nextOf("left"), { type: "left", room: pub.id });
  await wa.sendMessage(pub.id, "after", "2");
  // Frames on one socket keep their order: anything sent to b before the
  // pong would already be in its inbox.
  wb.send({ type: "ping" });
  await wb.nextOf("pong");
  assert.ok(!wb.inbox.some((f) => f.type === "message"));
  wb.send({ type: "subscribe", room: pub.id });
  assert.equal((await wb.nextOf("error")).code, "not_member");
});

Deno.test("chat ws: logout closes that session's sockets with 4001 and leaves other sessions open", async () => {
  await using t = await setup();
  const first = await t.socket(t.a);
  const other = new Client(t.server.url);
  assert.equal(
    (await other.login(t.a.username!, "correct horse battery")).status,
    303,
  );
  const second = await t.socket(other);
  const out = await t.a.fetch("/logout", { method: "POST" });
  await out.body?.cancel();
  assert.equal(out.status, 303);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const closed = await Promise.race([
    first.closed,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error("socket stayed open")), 5000);
    }),
  ]).finally(() => clearTimeout(timer));
  assert.equal(closed.code, CloseCode.sessionEnded);
  second.send({ type: "ping" });
  assert.equal(
    (await second.next((f) => f.type === "pong", "pong")).type,
    "pong",
  );
});

Deno.test("chat ws: being added to a room or sent a new DM arrives as room_added on every socket", async () => {
  await using t = await setup();
  const carol = await signedInClient(t.server.url);
  const ws1 = await t.socket(carol);
  const ws2 = await t.socket(carol);
  const added = await t.a.json(`/api/rooms/${t.room}/members`, {
    json: { username: carol.username },
  });
  assert.equal(added.status, 200);
  for (const ws of [ws1, ws2]) {
    const f = await ws.next((f) => f.type === "room_added", "room_added");
    assert.equal(f.room, t.room);
  }
  const { body: dm } = await t.b.json<{ id: string }>("/api/dms", {
    json: { username: carol.username },
  });
  const f = await ws1.next(
    (f) => f.type === "room_added",
    "room_added for the DM",
  );
  assert.equal(f.room, dm.id);
  const rooms = await carol.json<{ rooms: { id: string }[] }>("/api/rooms");
  assert.deepEqual(
    rooms.body.rooms.map((r) => r.id).sort(),
    [t.room, dm.id].sort(),
  );
});
