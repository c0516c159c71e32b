/** The chat's Markdown subset: what renders, and what stays inert text. */
import assert from "node:assert/strict";
import { renderToString } from "preact-render-to-string";
import { h } from "preact";
import {
  parseMarkdown,
  plainText,
  safeHref,
} from "../lib/chat/client/markdown.ts";
import { MessageText } from "../components/chat/message_text.tsx";
import { wrapSelection } from "../lib/chat/client/wrap.ts";

const html = (text: string) => renderToString(h(MessageText, { text }));

Deno.test("markdown: bold, italic, strike, code, fences, quotes and lists render", () => {
  const out = html(
    "**b** _i_ ~~s~~ `c`\n\n```\nx < y\n```\n\n> q\n\n- one\n- two\n\n3. three\n4. four",
  );
  for (
    const part of [
      "<strong>b</strong>",
      "<em>i</em>",
      "<del>s</del>",
      "<code>c</code>",
      '<pre class="md-pre" tabindex="0"><code>x &lt; y</code></pre>',
      '<blockquote class="md-quote"><p class="md-p">q</p></blockquote>',
      '<li><p class="md-p">one</p></li>',
      '<ol class="md-list" start="3">',
    ]
  ) assert.ok(out.includes(part), `${part} in ${out}`);
});

Deno.test("markdown: only http, https and mailto links; autolinks too", () => {
  const out = html(
    "[a](https://x.test/a) [m](mailto:a@b.test) https://auto.test [j](javascript:alert(1)) [d](data:text/html,x) [v](vbscript:x) [r](/relative)",
  );
  assert.ok(out.includes('href="https://x.test/a"'));
  assert.ok(out.includes('href="mailto:a@b.test"'));
  assert.ok(out.includes('href="https://auto.test/"'));
  assert.ok(out.includes('rel="noopener noreferrer"'));
  assert.equal((out.match(/<a /g) ?? []).length, 3);
  assert.ok(!/href="(javascript|data|vbscript)/i.test(out));
  for (
    const bad of [
      "javascript:x",
      " JaVaScRiPt:x",
      "data:x",
      "/x",
      "//evil.test",
    ]
  ) {
    assert.equal(safeHref(bad), null, bad);
  }
});

Deno.test("markdown: XSS cheat-sheet input renders inert (raw HTML is text)", () => {
  const cases = [
    "<img src=x onerror=alert(1)>",
    "<script>alert(1)</script>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](java\u0000script:alert(1))",
    "[[[x]]](javascript:alert(1))",
    "![x](javascript:alert(1))",
    '<svg onload="alert(1)">',
    "<iframe src=//evil.test>",
    '[a](https://ok.test "title" onclick="alert(1)")',
    "<style>body{display:none}</style>",
  ];
  for (const c of cases) {
    const out = html(c);
    assert.ok(!/<(img|script|svg|iframe|style)\b/i.test(out), out);
    // No real tag carries an event handler attribute.
    assert.ok(!/<[a-z][^>]*\son\w+=/i.test(out), out);
    assert.ok(!/href="javascript/i.test(out), out);
  }
  assert.ok(html("<script>x</script>").includes("&lt;script>x&lt;/script>"));
});

Deno.test("markdown: 10,000 nested quotes, brackets and emphasis parse fast and bounded", () => {
  for (
    const text of [
      ">".repeat(10_000) + " deep",
      "> ".repeat(10_000) + "deep",
      "[".repeat(5000) + "]".repeat(5000),
      "*".repeat(5000),
      "_a ".repeat(1300),
      Array.from({ length: 1000 }, (_, i) => " ".repeat(i % 60) + "- x").join(
        "\n",
      ),
    ]
  ) {
    const t0 = performance.now();
    const out = html(text);
    const ms = performance.now() - t0;
    assert.ok(out.length < 200_000, `output size ${out.length}`);
    // A bound against a hang, not a speed check.
    assert.ok(ms < 5000, `${ms} ms`);
  }
  const deep = JSON.stringify(parseMarkdown(">".repeat(10_000) + " x"));
  assert.ok(deep.length < 5_000);
});

Deno.test("markdown: newlines and plain text stay as typed; plainText strips syntax", () => {
  assert.deepEqual(parseMarkdown("line one\nline two"), [
    { t: "p", c: ["line one\nline two"] },
  ]);
  assert.equal(
    plainText(parseMarkdown("**hi** `x` [l](https://a.test)")),
    "hi x l",
  );
});

Deno.test("composer: Ctrl+B/I/E wrap the selection, and unwrap it again", () => {
  assert.deepEqual(wrapSelection("say hi now", 4, 6, "**"), {
    text: "say **hi** now",
    start: 6,
    end: 8,
  });
  assert.deepEqual(wrapSelection("say **hi** now", 6, 8, "**"), {
    text: "say hi now",
    start: 4,
    end: 6,
  });
  assert.equal(wrapSelection("", 0, 0, "`").text, "``");
});
