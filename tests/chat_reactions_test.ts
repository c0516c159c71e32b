/** Reactions and replies over the real server's WebSocket and HTTP API. */
import assert from "node:assert/strict";
import type { Client } from "./helpers/client.ts";
import { REACTION_EMOJI } from "../lib/chat/emoji.ts";
import { MAX_REACTIONS_PER_MESSAGE } from "../lib/chat/protocol.ts";
import { chatRoomFixture } from "./helpers/chat_room.ts";

const setup = () => chatRoomFixture({ third: true, otherRoom: "elsewhere" });

type Msg = {
  id: string;
  seq: number;
  text: string;
  reactions?: { emoji: string; users: string[] }[];
  replyTo?: { id: string; seq: number };
};

async function history(cl: Client, room: string, qs = "limit=200") {
  return (await cl.json<{ messages: Msg[] }>(
    `/api/rooms/${room}/messages?${qs}`,
  )).body.messages;
}

Deno.test("reactions: react toggles; every member gets reaction {room,id,emoji,user,on}; history carries reactions", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  const wb = await t.socket(t.b);
  await wa.subscribe(t.room);
  await wb.subscribe(t.room);
  const ack = await wa.sendMessage(t.room, "ship it?", "c1");
  wb.send({ type: "react", room: t.room, id: ack.id, emoji: "👍" });
  for (const ws of [wa, wb]) {
    assert.deepEqual(await ws.nextOf("reaction", t.room), {
      type: "reaction",
      room: t.room,
      id: ack.id,
      emoji: "👍",
      user: t.b.username,
      on: true,
    });
  }
  const seen = async (user: string, on: boolean) => {
    for (const ws of [wa, wb]) {
      await ws.next((f) =>
        f.type === "reaction" && f.user === user && f.on === on
      );
    }
  };
  wa.send({ type: "react", room: t.room, id: ack.id, emoji: "👍" });
  await seen(t.a.username!, true);
  assert.deepEqual((await history(t.a, t.room))[0].reactions, [
    { emoji: "👍", users: [t.b.username, t.a.username] },
  ]);
  // Toggling again removes it.
  wb.send({ type: "react", room: t.room, id: ack.id, emoji: "👍" });
  await seen(t.b.username!, false);
  assert.deepEqual((await history(t.a, t.room))[0].reactions, [
    { emoji: "👍", users: [t.a.username] },
  ]);
  wa.send({ type: "react", room: t.room, id: ack.id, emoji: "👍" });
  await seen(t.a.username!, false);
  assert.equal((await history(t.a, t.room))[0].reactions, undefined);
});

Deno.test("reactions: an emoji outside the allowed set is an error frame and stores nothing", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  await wa.subscribe(t.room);
  const ack = await wa.sendMessage(t.room, "hi", "c1");
  for (const emoji of ["🦄", "<b>", "x", "👍🏿"]) {
    wa.send({ type: "react", room: t.room, id: ack.id, emoji });
    const err = await wa.nextOf("error");
    assert.equal(err.code, "invalid_emoji");
  }
  assert.equal((await history(t.a, t.room))[0].reactions, undefined);
});

Deno.test("reactions: at most 20 distinct emoji per message", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  await wa.subscribe(t.room);
  const ack = await wa.sendMessage(t.room, "react to me", "c1");
  for (const [emoji] of REACTION_EMOJI.slice(0, MAX_REACTIONS_PER_MESSAGE)) {
    wa.send({ type: "react", room: t.room, id: ack.id, emoji });
    assert.equal((await wa.nextOf("reaction", t.room)).on, true);
  }
  wa.send({
    type: "react",
    room: t.room,
    id: ack.id,
    emoji: REACTION_EMOJI[MAX_REACTIONS_PER_MESSAGE][0],
  });
  assert.equal((await wa.nextOf("error")).code, "too_many_reactions");
  assert.equal(
    (await history(t.a, t.room))[0].reactions?.length,
    MAX_REACTIONS_PER_MESSAGE,
  );
});

Deno.test("reactions: on a room you are not in, a missing message or another room's message → error, nothing stored", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  const wc = await t.socket(t.c);
  await wa.subscribe(t.room);
  await wc.subscribe(t.other);
  const mine = await wa.sendMessage(t.room, "mine", "c1");
  const theirs = await wc.sendMessage(t.other, "theirs", "c2");
  // c is not in t.room.
  wc.send({ type: "react", room: t.room, id: mine.id, emoji: "👍" });
  assert.equal((await wc.nextOf("error")).code, "not_found");
  // a names its own room with a message of another room.
  wa.send({ type: "react", room: t.room, id: theirs.id, emoji: "👍" });
  assert.equal((await wa.nextOf("error")).code, "not_found");
  wa.send({ type: "react", room: t.room, id: "01NOSUCHMESSAGE", emoji: "👍" });
  assert.equal((await wa.nextOf("error")).code, "not_found");
  assert.equal((await history(t.a, t.room))[0].reactions, undefined);
  assert.equal((await history(t.c, t.other))[0].reactions, undefined);
});

Deno.test("replies: replyTo {id, seq} is stored on the message and broadcast", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  const wb = await t.socket(t.b);
  await wa.subscribe(t.room);
  await wb.subscribe(t.room);
  const first = await wa.sendMessage(t.room, "question?", "c1");
  await wb.nextOf("message", t.room);
  wb.send({
    type: "send",
    room: t.room,
    text: "answer",
    cid: "c2",
    replyTo: { id: first.id, seq: first.seq },
  });
  const got = await wa.next((f) =>
    f.type === "message" && f.message.text === "answer"
  );
  assert.deepEqual(got.message.replyTo, { id: first.id, seq: first.seq });
  const [, reply] = await history(t.a, t.room);
  assert.deepEqual(reply.replyTo, { id: first.id, seq: first.seq });
});

Deno.test("replies: to a missing message or one of another room → error frame with the cid, nothing stored", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  const wc = await t.socket(t.c);
  await wa.subscribe(t.room);
  await wc.subscribe(t.other);
  const theirs = await wc.sendMessage(t.other, "theirs", "x");
  for (
    const replyTo of [
      { id: theirs.id, seq: theirs.seq },
      { id: "01NOSUCHMESSAGE", seq: 1 },
    ]
  ) {
    wa.send({ type: "send", room: t.room, text: "re", cid: "r1", replyTo });
    const err = await wa.next((f) => f.type === "error" && f.cid === "r1");
    assert.equal(err.code, "not_found");
  }
  wa.send({ type: "send", room: t.room, text: "re", cid: "r2", replyTo: 5 });
  assert.equal(
    (await wa.next((f) => f.type === "error" && f.cid === "r2")).code,
    "bad_frame",
  );
  assert.deepEqual(await history(t.a, t.room), []);
});

Deno.test("replies: a reply to a message deleted later still points at its tombstone", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  await wa.subscribe(t.room);
  const first = await wa.sendMessage(t.room, "oops", "c1");
  wa.send({
    type: "send",
    room: t.room,
    text: "re",
    cid: "c2",
    replyTo: { id: first.id, seq: first.seq },
  });
  await wa.next((f) => f.type === "ack" && f.cid === "c2");
  wa.send({ type: "delete", room: t.room, id: first.id });
  await wa.nextOf("deleted", t.room);
  const [orig, reply] = await history(t.a, t.room);
  assert.equal(orig.text, "");
  assert.deepEqual(reply.replyTo, { id: first.id, seq: first.seq });
});

Deno.test("history: around=SEQ answers the page centred on that message", async () => {
  await using t = await setup();
  const wa = await t.socket(t.a);
  await wa.subscribe(t.room);
  for (let i = 1; i <= 30; i++) await wa.sendMessage(t.room, `m${i}`, `c${i}`);
  const page = await history(t.a, t.room, "around=15&limit=5");
  assert.deepEqual(page.map((m) => m.seq), [13, 14, 15, 16, 17]);
  assert.deepEqual(
    (await history(t.a, t.room, "around=1&limit=5")).map((m) => m.seq),
    [1, 2, 3],
  );
  assert.deepEqual(
    (await history(t.a, t.room, "around=30&limit=4")).map((m) => m.seq),
    [29, 30],
  );
  for (const bad of ["around=-1", "around=x", "around=3&before=9"]) {
    assert.equal(
      (await t.a.json(`/api/rooms/${t.room}/messages?${bad}`)).status,
      400,
    );
  }
  assert.equal(
    (await t.c.json(`/api/rooms/${t.room}/messages?around=3`)).status,
    404,
  );
});
