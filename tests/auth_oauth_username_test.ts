import assert from "node:assert/strict";
import {
  baseUsername,
  normalizeUsername,
  usernameCandidates,
} from "../lib/auth/oauth/username.ts";

const VALID = /^[a-z0-9_.-]{3,32}$/;

Deno.test("oauth username: prefers preferred_username, then email, then name", () => {
  assert.equal(
    baseUsername({ preferredUsername: "Alice", email: "bob@x.test" }),
    "alice",
  );
  assert.equal(baseUsername({ email: "Bob.Smith+news@x.test" }), "bob.smith");
  assert.equal(baseUsername({ name: "Zoë Åberg" }), "zoe_aberg");
  assert.equal(baseUsername({}), "user");
  assert.equal(baseUsername({ preferredUsername: "carol@corp.test" }), "carol");
});

Deno.test("oauth username: any input becomes a valid username", () => {
  const inputs = [
    "日本語",
    "a",
    "--__..",
    "x".repeat(100),
    "Mr. O'Brien-Smith!!",
    "  spaced  out  ",
    "ab",
  ];
  for (const raw of inputs) {
    for (
      const hints of [{ preferredUsername: raw }, { email: `${raw}@x.test` }, {
        name: raw,
      }]
    ) {
      const u = baseUsername(hints);
      assert.match(u, VALID, `${JSON.stringify(hints)} gave ${u}`);
    }
  }
  assert.equal(normalizeUsername("Mr. O'Brien-Smith!!"), "mr._o_brien-smith");
  assert.equal(baseUsername({ preferredUsername: "ab" }), "ab_user");
});

Deno.test("oauth username: candidates are valid, distinct, at most 32 characters", () => {
  const base = "a".repeat(32);
  const seen = new Set<string>();
  let n = 0;
  for (const c of usernameCandidates(base)) {
    assert.match(c, VALID);
    assert.ok(!seen.has(c), `duplicate ${c}`);
    seen.add(c);
    if (++n === 15) break;
  }
  assert.deepEqual([...seen].slice(0, 3), [
    base,
    "a".repeat(30) + "-2",
    "a".repeat(30) + "-3",
  ]);
});
