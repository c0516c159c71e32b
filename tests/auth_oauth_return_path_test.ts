import assert from "node:assert/strict";
import { safeReturnPath } from "../lib/auth/oauth/return_path.ts";

Deno.test("oauth return path: same-origin paths are kept", () => {
  assert.equal(safeReturnPath("/"), "/");
  assert.equal(safeReturnPath("/rooms/01ABC?x=1#m5"), "/rooms/01ABC?x=1#m5");
  assert.equal(safeReturnPath("/settings"), "/settings");
});

Deno.test("oauth return path: open redirect attempts fall back to /", () => {
  const attacks = [
    "//evil.example",
    "//evil.example/path",
    "https://evil.example",
    "http://evil.example/",
    "javascript:alert(1)",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "/%2F%2Fevil.example",
    "/%5cevil.example",
    "evil.example",
    "",
    "/" + "a".repeat(3000),
  ];
  for (const raw of attacks) {
    assert.equal(safeReturnPath(raw), "/", `accepted ${JSON.stringify(raw)}`);
  }
  assert.equal(safeReturnPath(null), "/");
  assert.equal(safeReturnPath(undefined, "/home"), "/home");
});

Deno.test("oauth return path: dot segments cannot leave the origin", () => {
  assert.equal(safeReturnPath("/../../etc"), "/etc");
  assert.equal(safeReturnPath("/a/../b"), "/b");
});
