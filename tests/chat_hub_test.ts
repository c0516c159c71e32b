/**
 * Hub behaviour over real WebSockets on a bare Deno.serve (no app layer):
 * fanout, gap healing, limits, slow consumers, heartbeats, presence.
 */
import assert from "node:assert/strict";
import { EventBus } from "../lib/events.ts";
import { GroupCommitter } from "../lib/chat/group_commit.ts";
import { ChatHub, type HubOptions } from "../lib/chat/hub.ts";
import { readLog } from "../lib/chat/messages.ts";
import { CloseCode } from "../lib/chat/protocol.ts";
import { addMember, createRoom } from "../lib/chat/rooms.ts";
import { ChatClient, RawWsClient } from "./helpers/chat_ws.ts";

async function startHub(options: HubOptions = {}) {
  const kv = await Deno.openKv(":memory:");
  const bus = new EventBus(null);
  const writer = new GroupCommitter(kv);
  const hub = new ChatHub({ kv, bus, writer }, options);
  const server = Deno.serve(
    { port: 0, hostname: "127.0.0.1", onListen() {} },
    (req) => {
      const q = new URL(req.url).searchParams;
      const { socket, response } = Deno.upgradeWebSocket(req);
      hub.attach(socket, q.get("user")!, q.get("ip") ?? "");
      return response;
    },
  );
  const room = (await createRoom(kv, "alice", {
    name: "team",
    visibility: "private",
  })).id;
  await addMember(kv, "alice", room, "bob", () => Promise.resolve(true));
  const clients: ChatClient[] = [];
  return {
    kv,
    bus,
    hub,
    writer,
    room,
    url: (user: string) => `ws://127.0.0.1:${server.addr.port}/?user=${user}`,
    async client(user: string, ip = "") {
      const c = await ChatClient.open(`${this.url(user)}&ip=${ip}`);
      clients.push(c);
      return c;
    },
    async [Symbol.asyncDispose]() {
      await Promise.all(clients.map((c) => c.close()));
      await hub.close();
      await server.shutdown();
      await writer.close();
      bus.close();
      kv.close();
    },
  };
}

Deno.test("hub: two users exchange messages; the sender gets an ack with the durable seq", async () => {
  await using h = await startHub();
  const a = await h.client("alice");
  const b = await h.client("bob");
  await a.subscribe(h.room);
  await b.subscribe(h.room);
  const ack = await a.sendMessage(h.room, "hi bob", "c1");
  assert.equal(ack.type, "ack");
  assert.equal(ack.seq, 1);
  const got = await b.nextOf("message", h.room);
  assert.equal(got.message.text, "hi bob");
  assert.equal(got.message.author, "alice");
  assert.equal(got.message.id, ack.id);
  const mine = await a.nextOf("message", h.room);
  assert.equal(mine.message.id, ack.id);
  await b.sendMessage(h.room, "hi alice", "c2");
  assert.equal((await a.nextOf("message", h.room)).message.seq, 2);
});

Deno.test("hub: a missed broadcast is healed from the log, in order and without duplicates", async () => {
  await using h = await startHub();
  const b = await h.client("bob");
  await b.subscribe(h.room);
  // Written to the log but never broadcast (as if the hint was lost).
  await h.writer.send({
    room: h.room,
    author: "alice",
    text: "lost",
    cid: "x",
  });
  const a = await h.client("alice");
  await a.sendMessage(h.room, "after", "y");
  const m1 = await b.nextOf("message", h.room);
  const m2 = await b.nextOf("message", h.room);
  assert.deepEqual([m1.message.text, m2.message.text], ["lost", "after"]);
  assert.deepEqual([m1.message.seq, m2.message.seq], [1, 2]);
  // A late duplicate broadcast of seq 1 is ignored.
  h.bus.publish(`room:${h.room}`, {
    type: "message",
    room: h.room,
    message: m1.message,
  });
  await a.sendMessage(h.room, "third", "z");
  assert.equal((await b.nextOf("message", h.room)).message.seq, 3);
  assert.equal(b.inbox.filter((f) => f.type === "message").length, 0);
});

Deno.test("hub: a client over the send rate gets rate_limited errors and nothing is stored for them", async () => {
  await using h = await startHub({ sendBurst: 5, sendPerSecond: 0 });
  const a = await h.client("alice");
  for (let i = 0; i < 8; i++) {
    a.send({ type: "send", room: h.room, text: `m${i}`, cid: `c${i}` });
  }
  const answers = [];
  for (let i = 0; i < 8; i++) {
    answers.push(await a.next((f) => f.cid === `c${i}`));
  }
  assert.deepEqual(answers.map((f) => f.type), [
    ..."aaaaa".split("").map(() => "ack"),
    "error",
    "error",
    "error",
  ]);
  assert.equal(answers[7].code, "rate_limited");
  const log = await readLog(h.kv, h.room, { after: 0 });
  assert.deepEqual(log.map((m) => m.text), ["m0", "m1", "m2", "m3", "m4"]);
  // The socket stays usable for other frames.
  a.send({ type: "ping" });
  await a.nextOf("pong");
});

Deno.test("hub: a socket that sends nothing is reaped by the heartbeat with 4000", async () => {
  await using h = await startHub({ idleTimeoutMs: 100, sweepMs: 20 });
  const a = await h.client("alice");
  const ev = await a.closed;
  assert.equal(ev.code, CloseCode.heartbeatTimeout);
  assert.equal(h.hub.stats.sockets, 0);
});

Deno.test("hub: presence goes online and offline across all of a user's sockets; typing reaches others", async () => {
  await using h = await startHub({ typingThrottleMs: 0 });
  const b = await h.client("bob");
  await b.subscribe(h.room);
  const online = await b.next((f) => f.type === "presence" && f.user === "bob");
  assert.equal(online.online, true);
  const a1 = await h.client("alice");
  assert.deepEqual(
    await b.next((f) => f.type === "presence" && f.user === "alice"),
    { type: "presence", user: "alice", online: true },
  );
  const a2 = await h.client("alice");
  await a1.subscribe(h.room);
  a1.send({ type: "typing", room: h.room });
  assert.deepEqual(await b.nextOf("typing", h.room), {
    type: "typing",
    room: h.room,
    user: "alice",
  });
  await a1.close();
  // alice still has a2: no offline yet. Prove it by a later event ordering.
  a2.send({ type: "typing", room: h.room });
  await b.nextOf("typing", h.room);
  assert.ok(!b.inbox.some((f) => f.type === "presence" && !f.online));
  await a2.close();
  assert.deepEqual(
    await b.next((f) => f.type === "presence" && f.user === "alice"),
    { type: "presence", user: "alice", online: false },
  );
  // Typing is never stored.
  assert.equal((await h.kv.get(["chat_seq", h.room])).value, null);
});

Deno.test("hub: user events reach every socket of that user", async () => {
  await using h = await startHub();
  const a1 = await h.client("alice");
  const a2 = await h.client("alice");
  const b = await h.client("bob");
  // Wait until all three are registered (presence for alice is published).
  while (h.hub.stats.sockets < 3) await new Promise((r) => setTimeout(r, 5));
  h.bus.publish("user:alice", { type: "campaign", id: "C1", sent: 3 });
  for (const c of [a1, a2]) {
    assert.deepEqual(await c.nextOf("campaign"), {
      type: "campaign",
      id: "C1",
      sent: 3,
    });
  }
  b.send({ type: "ping" });
  await b.nextOf("pong");
  assert.ok(!b.inbox.some((f) => f.type === "campaign"));
});

Deno.test("hub: a slow consumer is closed with 4008 and buffered memory stays bounded", async () => {
  const hard = 256 * 1024;
  await using h = await startHub({
    softBufferBytes: 64 * 1024,
    hardBufferBytes: hard,
    sendBurst: 1e9,
    sendPerSecond: 1e9,
  });
  const raw = await RawWsClient.open(h.url("bob"), {});
  await raw.sendText(JSON.stringify({ type: "subscribe", room: h.room }));
  for (;;) {
    const f = await raw.readFrame();
    if (f && JSON.parse(f.text).type === "subscribed") break;
  }
  // bob stops reading; alice keeps talking.
  const a = await h.client("alice");
  const text = "x".repeat(3500);
  let i = 0;
  while (h.hub.stats.slowClosed === 0) {
    const batch = [];
    for (let k = 0; k < 50; k++, i++) {
      batch.push(a.sendMessage(h.room, text, `c${i}`));
    }
    for (const ack of await Promise.all(batch)) assert.equal(ack.type, "ack");
    assert.ok(i < 100_000, "the slow consumer was never closed");
  }
  // Hard bound + less than 48 KiB between checks + one frame.
  assert.ok(h.hub.stats.maxBuffered <= hard + 128 * 1024);
  assert.equal(h.hub.stats.sockets, 1); // only alice is left
  // alice is unaffected.
  assert.equal((await a.sendMessage(h.room, "still here", "last")).type, "ack");
  // Reading on, bob finds the close frame with the slow-consumer code.
  let close;
  for (;;) {
    const f = await raw.readFrame();
    if (!f || f.opcode === 8) {
      close = f;
      break;
    }
  }
  raw.close();
  assert.equal(close?.code, CloseCode.slowConsumer);
});

Deno.test("hub: catching up over several log pages delivers every missed message once, in order", async () => {
  await using h = await startHub();
  await Promise.all(
    Array.from({ length: 450 }, (_, i) =>
      h.writer.send({
        room: h.room,
        author: "alice",
        text: `m${i + 1}`,
        cid: `c${i}`,
      })),
  );
  const b = await h.client("bob");
  const frames = await b.subscribe(h.room, 20);
  const seqs = frames.filter((f) => f.type === "message").map((f) =>
    f.message.seq
  );
  assert.deepEqual(seqs, Array.from({ length: 430 }, (_, i) => i + 21));
  assert.deepEqual(frames.at(-1), {
    type: "subscribed",
    room: h.room,
    seq: 450,
  });
  // An `after` beyond the end is clamped: live messages still arrive.
  const c = await h.client("bob");
  assert.deepEqual(await c.subscribe(h.room, 10_000), [
    { type: "subscribed", room: h.room, seq: 450 },
  ]);
  const a = await h.client("alice");
  await a.sendMessage(h.room, "next", "n");
  assert.equal((await c.nextOf("message", h.room)).message.seq, 451);
});

Deno.test("hub: the send limit also applies per IP address, at five times the per-user limit", async () => {
  await using h = await startHub({ sendBurst: 2, sendPerSecond: 0 });
  const users = ["u1", "u2", "u3", "u4", "u5", "u6"];
  for (const u of users) {
    await addMember(h.kv, "alice", h.room, u, () => Promise.resolve(true));
  }
  const answers: string[] = [];
  for (const u of users) {
    const c = await h.client(u, "10.0.0.1");
    for (let i = 0; i < 2; i++) {
      const f = await c.sendMessage(h.room, "hi", `${u}-${i}`);
      answers.push(f.code ?? f.type);
    }
  }
  assert.deepEqual(answers, [
    ...Array(10).fill("ack"),
    "rate_limited",
    "rate_limited",
  ]);
  // Another address is not affected.
  const other = await h.client("bob", "10.0.0.2");
  assert.equal((await other.sendMessage(h.room, "hi", "b")).type, "ack");
});

Deno.test("hub: unsubscribe stops a room's events; a socket follows at most maxRoomsPerSocket rooms", async () => {
  await using h = await startHub({ maxRoomsPerSocket: 1 });
  const other = (await createRoom(h.kv, "bob", {
    name: "second",
    visibility: "private",
  })).id;
  const b = await h.client("bob");
  await b.subscribe(h.room);
  b.send({ type: "subscribe", room: other });
  assert.equal((await b.nextOf("error")).code, "too_many_rooms");
  b.send({ type: "unsubscribe", room: h.room });
  b.send({ type: "read", room: h.room, seq: 0 }); // handled after it, in order
  b.send({ type: "subscribe", room: "NOSUCHROOM" });
  assert.equal((await b.nextOf("error")).code, "not_found");
  const a = await h.client("alice");
  await a.sendMessage(h.room, "unheard", "u1");
  b.send({ type: "ping" });
  await b.nextOf("pong");
  assert.ok(!b.inbox.some((f) => f.type === "message"));
  // The freed slot can be used again.
  assert.deepEqual(await b.subscribe(other), [
    { type: "subscribed", room: other, seq: 0 },
  ]);
});

Deno.test("hub: a bogus broadcast beyond the log is dropped and delivery goes on", async () => {
  await using h = await startHub();
  const b = await h.client("bob");
  await b.subscribe(h.room);
  h.bus.publish(`room:${h.room}`, {
    type: "message",
    room: h.room,
    message: { id: "X", room: h.room, seq: 99, author: "x", text: "bogus" },
  });
  const a = await h.client("alice");
  await a.sendMessage(h.room, "real", "r1");
  const m = await b.nextOf("message", h.room);
  assert.equal(m.message.text, "real");
  assert.equal(m.message.seq, 1);
  await a.sendMessage(h.room, "real 2", "r2");
  assert.equal((await b.nextOf("message", h.room)).message.seq, 2);
  assert.ok(!b.inbox.some((f) => f.type === "message"));
});
