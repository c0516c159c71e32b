import { assert, assertEquals } from "./helpers/assert.ts";
import { Client, uniqueName } from "./helpers/client.ts";
import { withServer } from "./helpers/server.ts";
import { signInAtProvider, visit, withOAuthApp } from "./helpers/oauth_app.ts";
import { safeReturnPath } from "../lib/web/safe_path.ts";

/** `next` values that must never lead off the site. */
const HOSTILE = [
  "/.//evil.example",
  "/..//evil.example",
  "/%2e//evil.example",
  "/%2E%2E//evil.example",
  "/a/..//evil.example",
  "/a/b/../..//evil.example",
  "/././/evil.example",
  "/.%2f/evil.example",
  "//evil.example",
  "///evil.example",
  "/\\evil.example",
  "/.\\/evil.example",
  "\\/evil.example",
  "/%5C/evil.example",
  "/\t/evil.example",
  "/ /evil.example".replace(" ", "\u000b"),
  "https://evil.example",
  "http:evil.example",
  "javascript:alert(1)",
  "evil.example",
  "",
];

/** A Location is safe when a browser resolves it on our origin. */
function isLocal(location: string): boolean {
  const base = "https://app.example";
  return new URL(location, base).origin === base;
}

Deno.test("return paths: normalised before checking, a corpus of dot, slash and encoding tricks never leaves the origin", () => {
  for (const next of HOSTILE) {
    const out = safeReturnPath(next);
    assert(isLocal(out), `${JSON.stringify(next)} → ${out}`);
    assert(!out.startsWith("//"), `${JSON.stringify(next)} → ${out}`);
  }
  assertEquals(safeReturnPath("/chat/../contacts?q=1"), "/contacts?q=1");
  assertEquals(safeReturnPath("/a/./b"), "/a/b");
  assertEquals(safeReturnPath("/%2F%2Fevil.example"), "/%2F%2Fevil.example");
});

Deno.test("auth: /login and /signup redirect only on-site for every hostile next", async () => {
  await withServer(async (s) => {
    const password = "password123";
    const user = await new Client(s.url).signup(uniqueName("nx"), password);
    for (const next of HOSTILE) {
      const q = `?next=${encodeURIComponent(next)}`;
      const login = await new Client(s.url).fetch(`/login${q}`, {
        form: { username: user.username!, password },
      });
      await login.body?.cancel();
      assertEquals(login.status, 303, next);
      const loc = login.headers.get("location")!;
      assert(isLocal(loc) && !loc.startsWith("//"), `login ${next} → ${loc}`);
      const signup = await new Client(s.url).fetch(`/signup${q}`, {
        form: { username: uniqueName("sx"), password },
      });
      await signup.body?.cancel();
      assertEquals(signup.status, 303, next);
      const loc2 = signup.headers.get("location")!;
      assert(
        isLocal(loc2) && !loc2.startsWith("//"),
        `signup ${next} → ${loc2}`,
      );
    }
  });
});

Deno.test("oauth: the provider callback redirects only on-site for hostile next values", () =>
  withOAuthApp(async ({ server }) => {
    for (const next of HOSTILE.slice(0, 8)) {
      const c = new Client(server.url);
      const cb = await signInAtProvider(
        c,
        `/auth/oidc?next=${encodeURIComponent(next)}`,
        { login: "redirect_probe" },
      );
      const { res } = await visit(c, cb);
      assertEquals(res.status, 303, next);
      const loc = res.headers.get("location")!;
      assert(isLocal(loc) && !loc.startsWith("//"), `${next} → ${loc}`);
    }
  }));
