import assert from "node:assert/strict";
import { linkify, safeHref } from "../lib/chat/client/linkify.ts";

Deno.test("linkify: plain text stays one text segment", () => {
  assert.deepEqual(linkify("hello world"), [
    { kind: "text", text: "hello world" },
  ]);
});

Deno.test("linkify: http and https URLs become links with the rest as text", () => {
  assert.deepEqual(linkify("see https://example.com/a?b=1 and http://x.org"), [
    { kind: "text", text: "see " },
    {
      kind: "link",
      text: "https://example.com/a?b=1",
      href: "https://example.com/a?b=1",
    },
    { kind: "text", text: " and " },
    { kind: "link", text: "http://x.org", href: "http://x.org/" },
  ]);
});

Deno.test("linkify: sentence punctuation after a URL is not part of it", () => {
  const segs = linkify(
    "Go to https://example.com/docs. Then (https://a.io/x)!",
  );
  const links = segs.filter((s) => s.kind === "link").map((s) => s.text);
  assert.deepEqual(links, ["https://example.com/docs", "https://a.io/x"]);
  assert.equal(
    segs.map((s) => s.text).join(""),
    "Go to https://example.com/docs. Then (https://a.io/x)!",
  );
});

Deno.test("linkify: a balanced closing parenthesis stays in the URL", () => {
  const segs = linkify("https://en.wikipedia.org/wiki/Deno_(software)");
  assert.equal(segs.length, 1);
  assert.equal(segs[0].text, "https://en.wikipedia.org/wiki/Deno_(software)");
});

Deno.test("linkify: javascript:, data: and other schemes are never links", () => {
  for (
    const t of [
      "javascript:alert(1)",
      "data:text/html,<script>alert(1)</script>",
      "vbscript:msgbox",
      "ftp://example.com/file",
      '<a href="javascript:alert(1)">x</a>',
    ]
  ) {
    const segs = linkify(t);
    assert.ok(segs.every((s) => s.kind === "text"), t);
    assert.equal(segs.map((s) => s.text).join(""), t);
  }
});

Deno.test("linkify: markup around a URL is not swallowed into the link", () => {
  const t = '<img src=x onerror="alert(1)">https://ok.example/"onmouseover="x';
  const segs = linkify(t);
  const link = segs.find((s) => s.kind === "link");
  assert.ok(link && link.kind === "link");
  assert.equal(link.href, "https://ok.example/");
  assert.equal(segs.map((s) => s.text).join(""), t);
});

Deno.test("linkify: a bare scheme without a host is text", () => {
  assert.deepEqual(linkify("http:// nothing"), [
    { kind: "text", text: "http:// nothing" },
  ]);
});

Deno.test("safeHref: only absolute http(s) URLs with a host pass", () => {
  assert.equal(safeHref("https://a.b/c"), "https://a.b/c");
  assert.equal(safeHref("JAVASCRIPT:alert(1)"), null);
  assert.equal(safeHref("/relative"), null);
  assert.equal(safeHref("mailto:a@b.c"), null);
});
