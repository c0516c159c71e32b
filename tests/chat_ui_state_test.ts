import assert from "node:assert/strict";
import type { Message, RoomSummary } from "../lib/chat/protocol.ts";
import {
  type Action,
  type ChatState,
  initialState,
  pendingRead,
  reduce,
  shownMessages,
  subscriptions,
  TYPING_TTL_MS,
  typingUsers,
  unsentMessages,
} from "../lib/chat/client/state.ts";
import { mergeBySeq } from "../lib/chat/client/merge.ts";

const T0 = Date.parse("2026-11-25T10:00:00Z");
const rooms: RoomSummary[] = [
  { id: "R1", name: "general", visibility: "public", unread: 0 },
  { id: "R2", name: "random", visibility: "public", unread: 2 },
  { id: "D1", name: "bob", visibility: "direct", unread: 0 },
];

function msg(
  seq: number,
  author = "bob",
  extra: Partial<Message> = {},
): Message {
  return {
    id: `M${seq}`,
    room: "R1",
    seq,
    author,
    text: `text ${seq}`,
    createdAt: new Date(T0 + seq * 1000).toISOString(),
    ...extra,
  };
}

function run(s: ChatState, ...actions: Action[]): ChatState {
  return actions.reduce(reduce, s);
}

const live = (m: Message): Action => ({
  type: "frame",
  frame: { type: "message", room: m.room, message: m },
  now: T0,
});

const start = () =>
  initialState({
    me: "ann",
    rooms,
    active: "R1",
    messages: [msg(1), msg(2), msg(3)],
    limit: 50,
  });

Deno.test("chat state: a replay overlapping history adds no duplicates at the seam", () => {
  const s = run(
    start(),
    live(msg(2)),
    live(msg(3)),
    live(msg(4)),
    live(msg(3)),
  );
  assert.deepEqual(shownMessages(s, "R1").map((m) => m.seq), [1, 2, 3, 4]);
  assert.equal(s.byRoom.R1.lastSeq, 4);
});

Deno.test("chat state: messages arriving out of order are shown in seq order", () => {
  const s = run(start(), live(msg(6)), live(msg(4)), live(msg(5)));
  assert.deepEqual(s.byRoom.R1.messages.map((m) => m.seq), [1, 2, 3, 4, 5, 6]);
});

Deno.test("chat state: a sent message is pending, then confirmed once by ack and echo in either order", () => {
  for (const order of ["ack-first", "echo-first"]) {
    let s = reduce(start(), {
      type: "send",
      room: "R1",
      cid: "c1",
      text: "hi",
      now: T0,
    });
    assert.deepEqual(
      shownMessages(s, "R1").map((m) => [m.text, m.status]),
      [["text 1", undefined], ["text 2", undefined], ["text 3", undefined], [
        "hi",
        "pending",
      ]],
    );
    const ack: Action = {
      type: "frame",
      frame: { type: "ack", cid: "c1", room: "R1", id: "M4", seq: 4 },
      now: T0,
    };
    const echo = live(msg(4, "ann", { text: "hi", cid: "c1" }));
    s = order === "ack-first" ? run(s, ack, echo) : run(s, echo, ack);
    const shown = shownMessages(s, "R1");
    assert.deepEqual(shown.map((m) => [m.seq, m.text, m.status]).slice(-2), [
      [3, "text 3", undefined],
      [4, "hi", undefined],
    ], order);
    assert.equal(shown.length, 4, order);
    assert.equal(s.rooms.find((r) => r.id === "R1")!.unread, 0);
  }
});

Deno.test("chat state: an error frame with the cid marks the send failed; retry makes it pending again", () => {
  let s = run(start(), {
    type: "send",
    room: "R1",
    cid: "c9",
    text: "x",
    now: T0,
  }, {
    type: "frame",
    frame: {
      type: "error",
      code: "rate_limited",
      message: "Slow down.",
      cid: "c9",
    },
    now: T0,
  });
  let p = shownMessages(s, "R1").at(-1)!;
  assert.equal(p.status, "failed");
  assert.equal(p.error, "Slow down.");
  assert.deepEqual(unsentMessages(s), []);
  s = reduce(s, { type: "retry", cid: "c9", now: T0 + 1 });
  p = shownMessages(s, "R1").at(-1)!;
  assert.equal(p.status, "pending");
  assert.deepEqual(unsentMessages(s).map((x) => x.cid), ["c9"]);
  s = reduce(s, { type: "discard", cid: "c9" });
  assert.equal(shownMessages(s, "R1").length, 3);
});

Deno.test("chat state: a pending message without ack turns failed after the timeout, but only while connected", () => {
  let s = reduce(start(), { type: "connection", status: "reconnecting" });
  s = reduce(s, {
    type: "send",
    room: "R1",
    cid: "c1",
    text: "x",
    now: T0,
  });
  s = reduce(s, { type: "tick", now: T0 + 60_000, pendingTimeoutMs: 5000 });
  assert.equal(
    shownMessages(s, "R1").at(-1)!.status,
    "pending",
    "offline: waits",
  );
  s = reduce(s, { type: "connection", status: "online" });
  s = reduce(s, { type: "resent", cids: ["c1"], now: T0 + 61_000 });
  s = reduce(s, { type: "tick", now: T0 + 62_000, pendingTimeoutMs: 5000 });
  assert.equal(shownMessages(s, "R1").at(-1)!.status, "pending");
  s = reduce(s, { type: "tick", now: T0 + 66_000, pendingTimeoutMs: 5000 });
  assert.equal(shownMessages(s, "R1").at(-1)!.status, "failed");
});

Deno.test("chat state: an error frame without a cid becomes a notice", () => {
  const s = reduce(start(), {
    type: "frame",
    frame: { type: "error", code: "forbidden", message: "Not a member." },
    now: T0,
  });
  assert.equal(s.notice, "Not a member.");
});

Deno.test("chat state: unread counts rise for other rooms only for new messages from others", () => {
  let s = reduce(start(), {
    type: "frame",
    frame: { type: "subscribed", room: "R2", seq: 10 },
    now: T0,
  });
  const r2 = (seq: number, author = "bob") =>
    live(msg(seq, author, { room: "R2", id: `R2-${seq}` }));
  s = run(s, r2(9), r2(11), r2(11), r2(12, "ann"), r2(13));
  assert.equal(s.rooms.find((r) => r.id === "R2")!.unread, 4); // 2 + seq 11 and 13
  s = reduce(s, { type: "open", room: "R2" });
  assert.equal(s.rooms.find((r) => r.id === "R2")!.unread, 0);
  assert.equal(s.active, "R2");
});

Deno.test("chat state: new messages from others in the open room are announced, mine and replays are not", () => {
  let s = run(start(), live(msg(4, "ann")));
  assert.equal(s.announcement.n, 0);
  s = run(s, live(msg(5, "bob", { text: "<b>hello</b>" })));
  assert.equal(s.announcement.n, 1);
  assert.equal(s.announcement.text, "bob: <b>hello</b>");
  s = run(s, live(msg(5, "bob")), live(msg(2, "bob")));
  assert.equal(s.announcement.n, 1);
});

Deno.test("chat state: edited and deleted frames replace the message in place", () => {
  let s = reduce(start(), {
    type: "frame",
    frame: {
      type: "edited",
      room: "R1",
      message: msg(2, "bob", {
        text: "fixed",
        editedAt: new Date(T0 + 9000).toISOString(),
      }),
    },
    now: T0,
  });
  assert.equal(s.byRoom.R1.messages[1].text, "fixed");
  s = reduce(s, {
    type: "frame",
    frame: {
      type: "deleted",
      room: "R1",
      message: msg(2, "bob", { text: "", deleted: true }),
    },
    now: T0,
  });
  assert.equal(s.byRoom.R1.messages[1].deleted, true);
  // A stale copy from a history page does not undo the deletion.
  s = reduce(s, {
    type: "history",
    room: "R1",
    messages: [msg(1), msg(2)],
    mode: "older",
    limit: 50,
  });
  assert.equal(s.byRoom.R1.messages[1].deleted, true);
  assert.equal(s.byRoom.R1.messages.length, 3);
});

Deno.test("chat state: loading older pages prepends and stops when a page is short", () => {
  let s = initialState({
    me: "ann",
    rooms,
    active: "R1",
    messages: [msg(51), msg(52)],
    limit: 2,
  });
  assert.equal(s.byRoom.R1.hasOlder, true);
  s = reduce(s, {
    type: "history",
    room: "R1",
    messages: [msg(49), msg(50)],
    mode: "older",
    limit: 2,
  });
  assert.equal(s.byRoom.R1.hasOlder, true);
  s = reduce(s, {
    type: "history",
    room: "R1",
    messages: [msg(48)],
    mode: "older",
    limit: 2,
  });
  assert.equal(s.byRoom.R1.hasOlder, false);
  assert.deepEqual(s.byRoom.R1.messages.map((m) => m.seq), [
    48,
    49,
    50,
    51,
    52,
  ]);
});

Deno.test("chat state: the first history page drops live messages older than it (they may follow a gap)", () => {
  let s = initialState({ me: "ann", rooms });
  const r2 = (seq: number) =>
    live(msg(seq, "bob", { room: "R2", id: `R2-${seq}` }));
  s = run(s, r2(3), r2(90));
  s = reduce(s, { type: "open", room: "R2" });
  s = reduce(s, {
    type: "history",
    room: "R2",
    messages: [80, 81, 82, 83, 84, 85, 86, 87, 88, 89].map((n) =>
      msg(n, "bob", { room: "R2", id: `R2-${n}` })
    ),
    mode: "initial",
    limit: 10,
  });
  assert.deepEqual(s.byRoom.R2.messages.map((m) => m.seq), [
    80,
    81,
    82,
    83,
    84,
    85,
    86,
    87,
    88,
    89,
    90,
  ]);
  assert.equal(s.byRoom.R2.hasOlder, true);
});

Deno.test("chat state: reconnect subscriptions resume after the last seen seq", () => {
  let s = start();
  s = reduce(s, {
    type: "frame",
    frame: { type: "subscribed", room: "R2", seq: 7 },
    now: T0,
  });
  assert.deepEqual(subscriptions(s), [
    { type: "subscribe", room: "R1", after: 3 },
    { type: "subscribe", room: "R2", after: 7 },
    { type: "subscribe", room: "D1" },
  ]);
  const empty = initialState({
    me: "ann",
    rooms,
    active: "D1",
    messages: [],
    limit: 50,
  });
  assert.deepEqual(subscriptions(empty)[2], {
    type: "subscribe",
    room: "D1",
    after: 0,
  });
});

Deno.test("chat state: typing shows for others only and expires; their message clears it", () => {
  let s = run(
    start(),
    {
      type: "frame",
      frame: { type: "typing", room: "R1", user: "bob" },
      now: T0,
    },
    {
      type: "frame",
      frame: { type: "typing", room: "R1", user: "ann" },
      now: T0,
    },
    {
      type: "frame",
      frame: { type: "typing", room: "R1", user: "cat" },
      now: T0,
    },
  );
  assert.deepEqual(typingUsers(s, "R1", T0 + 1), ["bob", "cat"]);
  s = run(s, live(msg(4, "bob")));
  assert.deepEqual(typingUsers(s, "R1", T0 + 1), ["cat"]);
  s = reduce(s, { type: "tick", now: T0 + TYPING_TTL_MS });
  assert.deepEqual(typingUsers(s, "R1", T0 + TYPING_TTL_MS), []);
  assert.deepEqual(s.typing, {});
});

Deno.test("chat state: presence frames update who is online", () => {
  const s = run(
    start(),
    {
      type: "frame",
      frame: { type: "presence", user: "bob", online: true },
      now: T0,
    },
    {
      type: "frame",
      frame: { type: "presence", user: "cat", online: false },
      now: T0,
    },
  );
  assert.deepEqual(s.presence, { bob: true, cat: false });
});

Deno.test("chat state: a read frame is due only when the open room has newer messages", () => {
  let s = start();
  assert.deepEqual(pendingRead(s), { room: "R1", seq: 3 });
  s = reduce(s, { type: "read", room: "R1", seq: 3 });
  assert.equal(pendingRead(s), null);
  s = run(s, live(msg(4)));
  assert.deepEqual(pendingRead(s), { room: "R1", seq: 4 });
});

Deno.test("merge: merging keeps ascending unique seqs and the newest version", () => {
  const a = [msg(1), msg(3), msg(5)];
  const b = [
    msg(2),
    msg(3, "bob", { text: "e", editedAt: new Date(T0 + 1).toISOString() }),
    msg(6),
  ];
  const m = mergeBySeq(a, b);
  assert.deepEqual(m.map((x) => x.seq), [1, 2, 3, 5, 6]);
  assert.equal(m[2].text, "e");
});

Deno.test("chat state: the server's latest seq is the resume point of a server-rendered room", () => {
  const s = initialState({
    me: "ann",
    rooms,
    active: "R1",
    messages: [],
    latestSeq: 0,
    limit: 50,
  });
  assert.deepEqual(subscriptions(s)[0], {
    type: "subscribe",
    room: "R1",
    after: 0,
  });
  const t = initialState({
    me: "ann",
    rooms,
    active: "R1",
    messages: [msg(7)],
    latestSeq: 9,
  });
  assert.deepEqual(subscriptions(t)[0], {
    type: "subscribe",
    room: "R1",
    after: 9,
  });
});

Deno.test("chat state: a left frame removes the room and closes it if open", () => {
  let s = run(start(), live(msg(4)));
  s = reduce(s, {
    type: "frame",
    frame: { type: "left", room: "R1" },
    now: T0,
  });
  assert.equal(s.active, null);
  assert.deepEqual(s.rooms.map((r) => r.id), ["R2", "D1"]);
  assert.equal(s.byRoom.R1, undefined);
  assert.ok(!subscriptions(s).some((f) => f.room === "R1"), "not resubscribed");
  const t = reduce(s, { type: "room-removed", room: "R2" });
  assert.deepEqual(t.rooms.map((r) => r.id), ["D1"]);
});

Deno.test("chat state: a burst of new messages (a catch-up) is announced as one summary", () => {
  const at = (m: Message, now: number): Action => ({
    type: "frame",
    frame: { type: "message", room: "R1", message: m },
    now,
  });
  let s = run(
    start(),
    at(msg(4), T0),
    at(msg(5), T0 + 10),
    at(msg(6, "cat"), T0 + 20),
  );
  assert.equal(s.announcement.text, "3 new messages. Latest from cat: text 6");
  s = reduce(s, at(msg(7), T0 + 60_000));
  assert.equal(s.announcement.text, "bob: text 7");
});
