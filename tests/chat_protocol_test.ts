import assert from "node:assert/strict";
import {
  checkText,
  MAX_TEXT_CHARS,
  parseClientFrame,
} from "../lib/chat/protocol.ts";

Deno.test("protocol: every client frame of the contract parses", () => {
  const frames = [
    { type: "subscribe", room: "R1", after: 3 },
    { type: "subscribe", room: "R1" },
    { type: "unsubscribe", room: "R1" },
    { type: "send", room: "R1", text: "hi", cid: "c1" },
    { type: "edit", room: "R1", id: "M1", text: "x" },
    { type: "delete", room: "R1", id: "M1" },
    { type: "typing", room: "R1" },
    { type: "read", room: "R1", seq: 0 },
    { type: "ping" },
  ];
  for (const f of frames) {
    const r = parseClientFrame(JSON.stringify(f));
    assert.ok(r.ok, JSON.stringify(f));
    assert.deepEqual(r.frame, f);
  }
});

Deno.test("protocol: send text is trimmed and keeps markup as typed", () => {
  const r = parseClientFrame(
    JSON.stringify({ type: "send", room: "R", text: "  <b>x</b>\n", cid: "c" }),
  );
  assert.ok(r.ok);
  assert.equal((r.frame as { text: string }).text, "<b>x</b>");
});

Deno.test("protocol: malformed frames give error frames, never throw", () => {
  const cases: [string, string][] = [
    ["", "bad_frame"],
    ["{", "bad_json"],
    ["[1]", "bad_frame"],
    ["null", "bad_frame"],
    ['"x"', "bad_frame"],
    ['{"type":1}', "bad_frame"],
    ['{"type":"nope","room":"R"}', "unknown_type"],
    ['{"type":"send","room":"R","text":"hi"}', "bad_frame"],
    ['{"type":"send","room":"R","text":"   ","cid":"c"}', "invalid_text"],
    ['{"type":"send","room":"R","text":5,"cid":"c"}', "invalid_text"],
    ['{"type":"send","room":"bad id!","text":"a","cid":"c"}', "bad_frame"],
    ['{"type":"subscribe","room":"R","after":-1}', "bad_frame"],
    ['{"type":"subscribe","room":"R","after":1.5}', "bad_frame"],
    ['{"type":"read","room":"R"}', "bad_frame"],
    ['{"type":"edit","room":"R","text":"x"}', "bad_frame"],
    ['{"type":"delete","room":"R","id":""}', "bad_frame"],
  ];
  for (const [text, code] of cases) {
    const r = parseClientFrame(text);
    assert.equal(r.ok, false, text);
    if (!r.ok) {
      assert.equal(r.error.type, "error");
      assert.equal(r.error.code, code, text);
      assert.ok(r.error.message.length > 0);
    }
  }
});

Deno.test("protocol: an invalid send echoes its cid in the error", () => {
  const r = parseClientFrame(
    JSON.stringify({ type: "send", room: "R", text: "", cid: "c9" }),
  );
  assert.ok(!r.ok);
  assert.equal(r.error.cid, "c9");
});

Deno.test("protocol: text limit counts characters, not UTF-16 units", () => {
  assert.ok(checkText("a".repeat(MAX_TEXT_CHARS)).ok);
  assert.ok(!checkText("a".repeat(MAX_TEXT_CHARS + 1)).ok);
  assert.ok(checkText("😀".repeat(MAX_TEXT_CHARS)).ok);
  assert.ok(!checkText("😀".repeat(MAX_TEXT_CHARS + 1)).ok);
  assert.ok(checkText(" x ".padEnd(MAX_TEXT_CHARS + 50, " ")).ok);
});
