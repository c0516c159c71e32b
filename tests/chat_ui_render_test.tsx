import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { ChatApp } from "../islands/chat_app.tsx";
import type { Message, RoomSummary } from "../lib/chat/protocol.ts";

const rooms: RoomSummary[] = [
  { id: "R1", name: "general", visibility: "public", unread: 0 },
  { id: "R2", name: "<i>secret</i>", visibility: "private", unread: 3 },
  { id: "D1", name: "bob", visibility: "direct", unread: 0 },
];

function msg(seq: number, text: string, extra: Partial<Message> = {}): Message {
  return {
    id: `M${seq}`,
    room: "R1",
    seq,
    author: "bob",
    text,
    createdAt: new Date(Date.UTC(2026, 10, 24, 10, seq)).toISOString(),
    ...extra,
  };
}

const XSS = `<img src=x onerror="alert('xss')"><script>alert(1)</script>`;

function render(messages: Message[], active: string | null = "R1") {
  return renderToString(
    <ChatApp me="ann" rooms={rooms} active={active} messages={messages} />,
  );
}

Deno.test("chat ui render: message text with markup is escaped, never HTML", () => {
  const html = render([msg(1, XSS)]);
  assert.ok(!html.includes("<img src=x"), "no raw <img>");
  assert.ok(!html.includes("<script>alert"), "no raw <script>");
  assert.ok(html.includes("&lt;img src=x onerror="), "escaped text is shown");
  assert.ok(!html.includes("<i>secret</i>"), "room names are escaped too");
});

Deno.test("chat ui render: http(s) links are anchors with noopener, other schemes are text", () => {
  const html = render([
    msg(1, "docs at https://example.com/a?x=1&y=2 and javascript:alert(1)"),
  ]);
  assert.match(
    html,
    /<a href="https:\/\/example\.com\/a\?x=1&amp;y=2" target="_blank" rel="noopener noreferrer">https:\/\/example\.com\/a\?x=1&amp;y=2<\/a>/,
  );
  assert.ok(!html.includes('href="javascript:'));
});

Deno.test("chat ui render: the first screen shows history with authors, day separators and marks", () => {
  const html = render([
    msg(1, "first"),
    msg(2, "fixed", { editedAt: "2026-11-24T11:00:00.000Z" }),
    msg(3, "", { deleted: true, author: "ann" }),
  ]);
  assert.ok(html.includes("first"));
  assert.ok(html.includes("(edited)"));
  assert.ok(html.includes("This message was deleted."));
  // A day divider is a plain list item: an <ol> may hold only list items
  // (axe "list"), so no role="separator" on it.
  assert.match(html, /<li class="chat-day"><span>/);
  assert.ok(!html.includes('role="separator"'));
  assert.match(
    html,
    /<time datetime="2026-11-24T10:01:00.000Z"[^>]*>10:01<\/time>/,
  );
  assert.ok(html.includes('aria-current="page"'), "the open room is marked");
  assert.ok(
    html.includes("Load older messages") === false,
    "a short page has no older link",
  );
  assert.ok(html.includes('aria-live="polite"'), "a live region exists");
});

Deno.test("chat ui render: a full page links to older history for readers without JavaScript", () => {
  const page = Array.from({ length: 50 }, (_, i) => msg(i + 11, `m${i}`));
  const html = render(page);
  assert.ok(html.includes('href="/chat/R1?before=11"'));
});

Deno.test("chat ui render: unread badges and DM presence are in the sidebar", () => {
  const html = render([], null);
  assert.match(
    html,
    /class="chat-badge">3<span class="sr-only">unread<\/span>/,
  );
  assert.match(html, /class="chat-presence"[^>]*title="Offline"/);
  assert.ok(html.includes("Pick a room"));
});
