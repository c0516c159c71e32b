/** Rich chat UI pieces rendered on the server, and their reducer. */
import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { ReplyQuote } from "../components/chat/reply_quote.tsx";
import { ReactionBar } from "../components/chat/reactions.tsx";
import { Attachments } from "../components/chat/attachments.tsx";
import { initialState, reduce } from "../lib/chat/client/state.ts";
import { setReaction } from "../lib/chat/client/state_rich.ts";
import type { Message } from "../lib/chat/protocol.ts";

const msg = (seq: number, extra: Partial<Message> = {}): Message => ({
  id: `m${seq}`,
  room: "r1",
  seq,
  author: "ann",
  text: `text ${seq}`,
  createdAt: "2026-11-30T00:00:00.000Z",
  ...extra,
});

Deno.test("reply quote: author and first 100 characters; a deleted original says 'deleted message'", () => {
  const long = msg(1, { text: "**" + "x".repeat(150) + "**" });
  const html = renderToString(
    <ReplyQuote reply={{ id: "m1", seq: 1 }} original={long} />,
  );
  assert.ok(html.includes("ann"));
  assert.ok(html.includes("x".repeat(100) + "…"));
  assert.ok(!html.includes("x".repeat(101)));
  assert.ok(!html.includes("**"));
  const gone = renderToString(
    <ReplyQuote
      reply={{ id: "m1", seq: 1 }}
      original={msg(1, { deleted: true, text: "" })}
    />,
  );
  assert.ok(gone.includes("deleted message"));
  assert.ok(!gone.includes("text 1"));
});

Deno.test("reactions: each chip has a count, aria-pressed for mine and a label naming who reacted", () => {
  const html = renderToString(
    <ReactionBar
      me="bob"
      reactions={[{ emoji: "👍", users: ["ann", "bob"] }, {
        emoji: "🎉",
        users: ["ann"],
      }]}
      onToggle={() => {}}
    />,
  );
  assert.ok(html.includes('aria-label="thumbs up: 2 (ann, you)"'));
  assert.ok(html.includes('aria-pressed="true"'));
  assert.ok(html.includes('aria-label="party popper: 1 (ann)"'));
  assert.ok(html.includes('title="thumbs up: 2 (ann, you)"'));
});

Deno.test("attachments: images are thumbnails with their stored size; other files are download links", () => {
  const html = renderToString(
    <Attachments
      files={[
        {
          id: "f1",
          name: "a b.png",
          type: "image/png",
          size: 10,
          width: 640,
          height: 480,
        },
        { id: "f2", name: "x.svg", type: "image/svg+xml", size: 2048 },
      ]}
    />,
  );
  assert.ok(html.includes('src="/files/f1/a%20b.png"'));
  assert.ok(html.includes('width="640"') && html.includes('height="480"'));
  assert.ok(html.includes('href="/files/f2/x.svg" download="x.svg"'));
  assert.ok(!html.includes('src="/files/f2'));
});

Deno.test("client state: reaction frames toggle live, idempotently; renamed/topic/archived update the room list", () => {
  let s = initialState({
    me: "bob",
    rooms: [{ id: "r1", name: "team", visibility: "public", unread: 0 }],
    active: "r1",
    messages: [msg(1)],
  });
  const frame = (f: unknown) =>
    s = reduce(s, { type: "frame", frame: f as never, now: 0 });
  frame({
    type: "reaction",
    room: "r1",
    id: "m1",
    emoji: "👍",
    user: "ann",
    on: true,
  });
  frame({
    type: "reaction",
    room: "r1",
    id: "m1",
    emoji: "👍",
    user: "ann",
    on: true,
  });
  assert.deepEqual(s.byRoom.r1.messages[0].reactions, [{
    emoji: "👍",
    users: ["ann"],
  }]);
  frame({
    type: "reaction",
    room: "r1",
    id: "m1",
    emoji: "👍",
    user: "ann",
    on: false,
  });
  assert.equal(s.byRoom.r1.messages[0].reactions, undefined);
  frame({ type: "renamed", room: "r1", name: "crew", by: "ann" });
  frame({ type: "topic", room: "r1", topic: "hello", by: "ann" });
  frame({ type: "archived", room: "r1", archived: true, by: "ann" });
  const r = s.rooms[0];
  assert.deepEqual([r.name, r.topic, r.archived], ["crew", "hello", true]);
  assert.deepEqual(setReaction([], "🎉", "x", false), []);
});
