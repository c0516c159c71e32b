/** Mentions, mention counts and notification levels over HTTP and WebSocket. */
import assert from "node:assert/strict";
import type { Client } from "./helpers/client.ts";
import { findMentions, mentionAtCaret } from "../lib/chat/mention_text.ts";
import { chatRoomFixture } from "./helpers/chat_room.ts";

async function setup() {
  const fx = await chatRoomFixture({ name: "design", third: true });
  return Object.assign(fx, { outsider: fx.c });
}

type Row = { id: string; unread: number; mentions: number; notify: string };
async function roomRow(c: Client, id: string): Promise<Row> {
  const { body } = await c.json<{ rooms: Row[] }>("/api/rooms");
  return body.rooms.find((r) => r.id === id)!;
}

Deno.test("mentions: the scanner finds @names, trims sentence punctuation and ignores e-mail addresses", () => {
  assert.deepEqual(
    findMentions("hi @Bob. and @room, mail x@y.com @al-").map((m) => m.name),
    ["bob", "room", "al"],
  );
  assert.deepEqual(mentionAtCaret("hello @bo", 9), { start: 6, query: "bo" });
  assert.equal(mentionAtCaret("a@bo", 4), null);
});

Deno.test("mentions: the server stores mentions of members only; message frames carry mentions and mentionsRoom", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  const wb = await t.socket(t.b);
  await wa.subscribe(t.room);
  await wb.subscribe(t.room);
  wa.send({
    type: "send",
    room: t.room,
    cid: "m1",
    text: `hey @${
      t.b.username!.toUpperCase()
    }, ask @${t.outsider.username} and @nobody_here`,
  });
  const f = await wb.nextOf("message", t.room);
  assert.deepEqual(f.mentions, [t.b.username]);
  assert.equal(f.mentionsRoom, false);
  assert.deepEqual(f.message.mentions, [t.b.username]);
  // Stored with the message: history has them too.
  const { body } = await t.b.json<{ messages: { mentions: string[] }[] }>(
    `/api/rooms/${t.room}/messages`,
  );
  assert.deepEqual(body.messages[0].mentions, [t.b.username]);

  wa.send({ type: "send", room: t.room, cid: "m2", text: "@room standup" });
  const g = await wb.nextOf("message", t.room);
  assert.equal(g.mentionsRoom, true);
  assert.deepEqual(g.mentions, []);
});

Deno.test("mentions: unread mention counts per room survive a reconnect and clear on read", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  await wa.subscribe(t.room);
  await wa.sendMessage(t.room, `@${t.b.username} one`, "c1");
  await wa.sendMessage(t.room, "no mention", "c2");
  await wa.sendMessage(t.room, "@room two", "c3");
  let row = await roomRow(t.b, t.room);
  assert.equal(row.unread, 3);
  assert.equal(row.mentions, 2);
  // The author is not counted for their own @room.
  assert.equal((await roomRow(t.a, t.room)).mentions, 0);
  // A new socket (reconnect) sees the same counts; reading clears them.
  const wb = await t.socket(t.b);
  await wb.subscribe(t.room);
  assert.equal((await roomRow(t.b, t.room)).mentions, 2);
  wb.send({ type: "read", room: t.room, seq: 2 });
  wb.send({ type: "ping" });
  await wb.nextOf("pong");
  row = await roomRow(t.b, t.room);
  assert.equal(row.unread, 1);
  assert.equal(row.mentions, 1);
});

Deno.test("mentions: an edit re-resolves mentions and a delete removes them from the counts", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  const wb = await t.socket(t.b);
  await wa.subscribe(t.room);
  await wb.subscribe(t.room);
  const ack = await wa.sendMessage(t.room, "plain", "e1");
  await wb.nextOf("message", t.room);
  wa.send({
    type: "edit",
    room: t.room,
    id: ack.id,
    text: `now @${t.b.username}`,
  });
  const ed = await wb.nextOf("edited", t.room);
  assert.deepEqual(ed.message.mentions, [t.b.username]);
  assert.equal((await roomRow(t.b, t.room)).mentions, 1);
  wa.send({ type: "delete", room: t.room, id: ack.id });
  await wb.nextOf("deleted", t.room);
  assert.equal((await roomRow(t.b, t.room)).mentions, 0);
});

Deno.test("notify: rooms default to mentions, DMs to all; PATCH sets all/mentions/none and rejects bad levels", async () => {
  await using t = await setup();
  assert.equal((await roomRow(t.b, t.room)).notify, "mentions");
  for (const level of ["all", "none", "mentions"]) {
    const r = await t.b.json(`/api/rooms/${t.room}/settings`, {
      method: "PATCH",
      json: { notify: level },
    });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { notify: level });
    assert.equal((await roomRow(t.b, t.room)).notify, level);
  }
  // Per user: a's level is untouched.
  assert.equal((await roomRow(t.a, t.room)).notify, "mentions");
  const bad = await t.b.json<{ error: { code: string } }>(
    `/api/rooms/${t.room}/settings`,
    { method: "PATCH", json: { notify: "loud" } },
  );
  assert.equal(bad.status, 400);
  assert.equal(bad.body.error.code, "invalid_notify");
  // A non-member cannot see or set a private room's level.
  const hidden = await t.outsider.json(`/api/rooms/${t.room}/settings`, {
    method: "PATCH",
    json: { notify: "all" },
  });
  assert.equal(hidden.status, 404);
  // DMs are always "all".
  const { body: dm } = await t.a.json<{ id: string }>("/api/dms", {
    json: { username: t.b.username },
  });
  assert.equal((await roomRow(t.a, dm.id)).notify, "all");
  const mute = await t.a.json<{ error: { code: string } }>(
    `/api/rooms/${dm.id}/settings`,
    { method: "PATCH", json: { notify: "none" } },
  );
  assert.equal(mute.status, 400);
  assert.equal(mute.body.error.code, "direct_always_all");
});
