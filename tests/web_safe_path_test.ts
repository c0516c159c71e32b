import { assertEquals } from "./helpers/assert.ts";
import { safeReturnPath } from "../lib/web/safe_path.ts";

Deno.test("return paths: only same-origin paths pass, everything else falls back", () => {
  const ok = ["/", "/chat", "/chat/1?x=2#m", "/a/b%20c"];
  for (const p of ok) assertEquals(safeReturnPath(p), p);
  const bad = [
    "//evil.example",
    "/\\evil.example",
    "https://evil.example",
    "javascript:alert(1)",
    "evil",
    "/\t/evil.example",
    "/\n/evil",
    "",
    null,
    42,
  ];
  for (const p of bad) {
    assertEquals(safeReturnPath(p, "/home"), "/home", String(p));
  }
});
