/** The chat client's mention counts, divider, levels and notification rules (pure). */
import assert from "node:assert/strict";
import { initialState, reduce } from "../lib/chat/client/state.ts";
import {
  notificationText,
  titlePrefix,
  wantsNotification,
} from "../lib/chat/client/notifications.ts";
import {
  applySuggestion,
  suggestions,
} from "../lib/chat/client/mention_complete.ts";
import type { Message, RoomSummary } from "../lib/chat/protocol.ts";

const rooms: RoomSummary[] = [
  { id: "r1", name: "design", visibility: "public", unread: 0 },
  { id: "r2", name: "ops", visibility: "private", unread: 0, notify: "all" },
  { id: "d1", name: "bob", visibility: "direct", unread: 0 },
  { id: "r3", name: "muted", visibility: "public", unread: 0, notify: "none" },
];
const msg = (room: string, seq: number, extra: Partial<Message> = {}) => ({
  id: `m${room}${seq}`,
  room,
  seq,
  author: "bob",
  text: "hello there",
  createdAt: new Date(0).toISOString(),
  ...extra,
});

Deno.test("chat state: a message mentioning me in another room counts as unread and as a mention; opening clears both", () => {
  let s = initialState({ me: "ann", rooms });
  s = reduce(s, { type: "open", room: "r2" });
  const f = (m: Message) => ({
    type: "frame" as const,
    frame: { type: "message" as const, room: m.room, message: m },
    now: 0,
  });
  s = reduce(s, f(msg("r1", 1, { mentions: ["ann"] })));
  s = reduce(s, f(msg("r1", 2)));
  s = reduce(s, f(msg("r1", 3, { mentionsRoom: true })));
  const row = s.rooms.find((r) => r.id === "r1")!;
  assert.equal(row.unread, 3);
  assert.equal(row.mentions, 2);
  s = reduce(s, {
    type: "frame",
    frame: { type: "subscribed", room: "r1", seq: 3 },
    now: 0,
  });
  s = reduce(s, { type: "open", room: "r1" });
  assert.equal(s.unreadFrom.r1, 1);
  const opened = s.rooms.find((r) => r.id === "r1")!;
  assert.equal(opened.unread, 0);
  assert.equal(opened.mentions, 0);
  s = reduce(s, { type: "notify", room: "r1", level: "none" });
  assert.equal(s.rooms.find((r) => r.id === "r1")!.notify, "none");
});

Deno.test("chat state: mark all as read zeroes every room's unread and mention counts", () => {
  let s = initialState({
    me: "ann",
    rooms: rooms.map((r) => ({ ...r, unread: 4, mentions: 1 })),
  });
  s = reduce(s, { type: "read-all" });
  assert.ok(s.rooms.every((r) => r.unread === 0 && r.mentions === 0));
});

Deno.test("chat state: a room opened before any of its messages reached this tab still gets its New messages divider once its history comes", () => {
  const withUnread = rooms.map((r) => r.id === "r1" ? { ...r, unread: 3 } : r);
  let s = initialState({ me: "ann", rooms: withUnread });
  s = reduce(s, { type: "open", room: "r1" });
  assert.equal(s.unreadFrom.r1, undefined);
  s = reduce(s, {
    type: "history",
    room: "r1",
    mode: "initial",
    limit: 50,
    messages: Array.from({ length: 10 }, (_, i) => msg("r1", i + 1)),
  });
  // Messages 8, 9 and 10 are the three unread.
  assert.equal(s.unreadFrom.r1, 8);
  // Opening it again later with nothing unread shows no divider.
  s = reduce(s, { type: "open", room: "r2" });
  s = reduce(s, { type: "open", room: "r1" });
  assert.equal(s.unreadFrom.r1, undefined);
});

Deno.test("notifications: only while hidden; all notifies everything, mentions only mentions, none nothing; DMs always", () => {
  const frame = (room: string, extra: Partial<Message> = {}) => ({
    type: "message" as const,
    room,
    message: msg(room, 1, extra),
  });
  assert.equal(wantsNotification(frame("r2"), rooms, "ann", false), false);
  assert.equal(wantsNotification(frame("r2"), rooms, "ann", true), true);
  assert.equal(wantsNotification(frame("r1"), rooms, "ann", true), false);
  assert.equal(
    wantsNotification(frame("r1", { mentions: ["ann"] }), rooms, "ann", true),
    true,
  );
  assert.equal(
    wantsNotification(frame("r3", { mentionsRoom: true }), rooms, "ann", true),
    false,
  );
  assert.equal(wantsNotification(frame("d1"), rooms, "ann", true), true);
  assert.equal(
    wantsNotification(frame("r2", { author: "ann" }), rooms, "ann", true),
    false,
  );
  const long = "x".repeat(150);
  const t = notificationText(rooms[0], msg("r1", 1, { text: long }), "Bob B");
  assert.deepEqual(t, { title: "#design", body: `Bob B: ${"x".repeat(100)}…` });
  assert.equal(titlePrefix(0, 0), "");
  assert.equal(titlePrefix(5, 2), "(5 · 2 @) ");
});

Deno.test("mention autocomplete: matches usernames and display names by prefix, accent-insensitive, and inserts @username", () => {
  const people = [
    { username: "bob", displayName: "Robert Émile" },
    { username: "bobby" },
    { username: "ann" },
  ];
  assert.deepEqual(
    suggestions("hi @bo", 6, people, "ann")!.items.map((p) => p.username),
    ["bob", "bobby"],
  );
  assert.deepEqual(
    suggestions("hi @emi", 7, people, "ann")!.items.map((p) => p.username),
    ["bob"],
  );
  assert.deepEqual(
    suggestions("@ro", 3, people, "ann")!.items.map((p) => p.username),
    ["bob", "room"],
  );
  assert.equal(suggestions("mail a@bo", 9, people, "ann"), null);
  assert.deepEqual(applySuggestion("hi @bo!", 3, 6, "bobby"), {
    text: "hi @bobby !",
    caret: 10,
  });
});
