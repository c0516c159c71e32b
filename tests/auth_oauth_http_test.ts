/**
 * OAuth / OpenID Connect sign-in over HTTP: the real app against a real
 * OpenID Provider (npm:oidc-provider, dev interactions) on 127.0.0.1.
 */
import {
  assert,
  assertEquals,
  assertNotIncludes,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { Client } from "./helpers/client.ts";
import { signInAtProvider, visit, withOAuthApp } from "./helpers/oauth_app.ts";

Deno.test("oauth http: the authorize redirect carries state, S256 code_challenge and nonce, and a flow cookie", () =>
  withOAuthApp(async ({ server, oidc }) => {
    const c = new Client(server.url);
    const res = await c.fetch("/auth/oidc");
    await res.body?.cancel();
    assertEquals(res.status, 302);
    const url = new URL(res.headers.get("location")!);
    assertEquals(url.origin, oidc.issuer);
    const q = url.searchParams;
    assertEquals(q.get("response_type"), "code");
    assertEquals(q.get("client_id"), oidc.clientId);
    assertEquals(q.get("redirect_uri"), `${server.url}/auth/oidc/callback`);
    assertEquals(q.get("code_challenge_method"), "S256");
    assert(/^[A-Za-z0-9_-]{43}$/.test(q.get("code_challenge")!));
    assert(q.get("state")!.length >= 32, "state");
    assert(q.get("nonce")!.length >= 32, "nonce");
    const cookie = res.headers.getSetCookie().find((c) =>
      c.startsWith("oauth_flow=")
    )!;
    assertStringIncludes(cookie, "HttpOnly");
    assertStringIncludes(cookie, "SameSite=Lax");
    assertStringIncludes(cookie, "Max-Age=600");
    // The cookie holds a random id, not the state or the verifier.
    assertNotIncludes(cookie, q.get("state")!);
  }));

Deno.test("oauth http: a full sign-in creates the user and a session; the second finds the same user", () =>
  withOAuthApp(async ({ server }) => {
    const c = new Client(server.url);
    const cb = await signInAtProvider(c, "/auth/oidc", { login: "alice" });
    assert(cb.startsWith("/auth/oidc/callback?"), cb);
    const { res } = await visit(c, cb);
    assertEquals(res.status, 303);
    assertEquals(res.headers.get("location"), "/");
    const session = res.headers.getSetCookie().find((l) =>
      l.startsWith("rt_session=")
    )!;
    assertStringIncludes(session, "HttpOnly");
    assertStringIncludes(session, "SameSite=Lax");
    assert(!c.cookies.has("oauth_flow"), "the flow cookie is cleared");
    assertEquals((await c.json("/api/me")).body.username, "alice");

    // Another browser, same person at the provider: the same account.
    const c2 = new Client(server.url);
    await visit(
      c2,
      await signInAtProvider(c2, "/auth/oidc", { login: "alice" }),
    );
    assertEquals((await c2.json("/api/me")).body.username, "alice");
    assert(c2.cookies.get("rt_session") !== c.cookies.get("rt_session"));

    // A different person whose preferred username is the same gets a
    // different, unique username (never matched by name or email).
    const c3 = new Client(server.url);
    await visit(
      c3,
      await signInAtProvider(c3, "/auth/oidc", { login: "Alice" }),
    );
    assertEquals((await c3.json("/api/me")).body.username, "alice-2");
  }));

Deno.test("oauth http: a replayed callback is refused and signs nobody in", () =>
  withOAuthApp(async ({ server }) => {
    const c = new Client(server.url);
    const cb = await signInAtProvider(c, "/auth/oidc", { login: "bob" });
    const flow = c.cookies.get("oauth_flow")!;
    assertEquals((await visit(c, cb)).status, 303);
    // An attacker (or the back button) replays the URL with the old cookie.
    const replay = new Client(server.url);
    replay.cookies.set("oauth_flow", flow);
    const again = await visit(replay, cb);
    assertEquals(again.status, 400);
    assertStringIncludes(again.body, "already been used or has expired");
    assertStringIncludes(again.body, 'data-error-code="oauth_state_missing"');
    assert(!replay.cookies.has("rt_session"), "no session");
    assertEquals((await replay.json("/api/me")).status, 401);
  }));

Deno.test("oauth http: a callback with a wrong state is refused", () =>
  withOAuthApp(async ({ server }) => {
    const c = new Client(server.url);
    const cb = new URL(
      await signInAtProvider(c, "/auth/oidc", { login: "carol" }),
      server.url,
    );
    const genuine = cb.pathname + cb.search;
    const flow = c.cookies.get("oauth_flow")!;
    cb.searchParams.set("state", "forged-" + cb.searchParams.get("state"));
    const { status, body } = await visit(c, cb.pathname + cb.search);
    assertEquals(status, 400);
    assertStringIncludes(body, "did not match your sign-in attempt");
    assert(!c.cookies.has("rt_session"));
    // The flow is burnt: the genuine callback no longer works either.
    c.cookies.set("oauth_flow", flow);
    const later = await visit(c, genuine);
    assertEquals(later.status, 400);
    assertStringIncludes(later.body, 'data-error-code="oauth_state_missing"');
    assertEquals((await c.json("/api/me")).status, 401);
  }));

Deno.test("oauth http: a callback without the flow cookie (another browser) is refused", () =>
  withOAuthApp(async ({ server }) => {
    const c = new Client(server.url);
    const cb = await signInAtProvider(c, "/auth/oidc", { login: "dan" });
    const other = new Client(server.url);
    const { status, body } = await visit(other, cb);
    assertEquals(status, 400);
    assertStringIncludes(body, "already been used or has expired");
    assert(!other.cookies.has("rt_session"));
  }));

Deno.test("oauth http: access_denied at the provider ends on the login page with a message", () =>
  withOAuthApp(async ({ server }) => {
    const c = new Client(server.url);
    const cb = await signInAtProvider(c, "/auth/oidc", {
      login: "erin",
      abort: true,
    });
    assertStringIncludes(cb, "error=access_denied");
    const { status, body } = await visit(c, cb);
    assertEquals(status, 400);
    assertStringIncludes(body, "Sign-in with Test SSO was cancelled");
    assertStringIncludes(body, 'action="/login"');
    assert(!c.cookies.has("rt_session"));
  }));

Deno.test("oauth http: an expired flow record is refused", () =>
  withOAuthApp(async ({ server }) => {
    const c = new Client(server.url);
    const cb = await signInAtProvider(c, "/auth/oidc", { login: "finn" });
    const key = ["oauth_flows", c.cookies.get("oauth_flow")!];
    const entry = await server.kv.get<Record<string, unknown>>(key);
    await server.kv.set(key, { ...entry.value, expiresAt: Date.now() - 1 });
    const { status, body } = await visit(c, cb);
    assertEquals(status, 400);
    assertStringIncludes(body, "has expired");
    assert(!c.cookies.has("rt_session"));
  }));

Deno.test("oauth http: a failed token exchange ends on the login page without a session", () =>
  withOAuthApp(async ({ server }) => {
    const c = new Client(server.url);
    const cb = await signInAtProvider(c, "/auth/oidc", { login: "gus" });
    const { status, body } = await visit(c, cb);
    assertEquals(status, 400);
    assertStringIncludes(body, "Test SSO did not accept the sign-in");
    assert(!c.cookies.has("rt_session"));
  }, { oidcSecret: "not-the-secret" }));

Deno.test("oauth http: open redirects in the return path are ignored", () =>
  withOAuthApp(async ({ server }) => {
    const cases: [string, string][] = [
      ["/settings?tab=1", "/settings?tab=1"],
      ["//evil.example/x", "/"],
      ["https://evil.example", "/"],
      ["/\\evil.example", "/"],
      ["javascript:alert(1)", "/"],
    ];
    for (const [next, expected] of cases) {
      const c = new Client(server.url);
      const cb = await signInAtProvider(
        c,
        `/auth/oidc?next=${encodeURIComponent(next)}`,
        { login: "hana" },
      );
      const { res } = await visit(c, cb);
      assertEquals(res.status, 303);
      assertEquals(res.headers.get("location"), expected, next);
    }
  }));

Deno.test("oauth http: the login page shows only the configured providers", async () => {
  const { startServer } = await import("./helpers/server.ts");
  const plain = await startServer();
  try {
    const page = await (await fetch(plain.url + "/login")).text();
    assertNotIncludes(page, "/auth/");
    assertNotIncludes(page, "Continue with");
    const res = await fetch(plain.url + "/auth/github");
    await res.text();
    assertEquals(res.status, 404);
  } finally {
    await plain.close();
  }
  await withOAuthApp(async ({ server }) => {
    const page = await (await fetch(server.url + "/login")).text();
    assertStringIncludes(page, 'href="/auth/oidc"');
    assertStringIncludes(page, "Continue with Test SSO");
    assertNotIncludes(page, "/auth/github");
    assertNotIncludes(page, "/auth/google");
    const res = await fetch(server.url + "/auth/google");
    await res.text();
    assertEquals(res.status, 404);
  });
  await withOAuthApp(async ({ server }) => {
    const page = await (await fetch(server.url + "/login?next=%2Fchat")).text();
    for (const id of ["oidc", "github", "google"]) {
      assertStringIncludes(page, `href="/auth/${id}?next=%2Fchat"`);
    }
    const signup = await (await fetch(server.url + "/signup")).text();
    assertStringIncludes(signup, "Continue with GitHub");
  }, { githubUser: { id: 1, login: "x" }, google: true });
});

Deno.test("oauth http: starting sign-ins is limited per IP address", () =>
  withOAuthApp(async ({ server }) => {
    const c = new Client(server.url);
    for (let i = 0; i < 3; i++) {
      const ok = await c.fetch("/auth/oidc");
      await ok.body?.cancel();
      assertEquals(ok.status, 302);
    }
    const res = await c.fetch("/auth/oidc");
    const body = await res.text();
    assertEquals(res.status, 429);
    assert(Number(res.headers.get("retry-after")) > 0, "retry-after");
    assertStringIncludes(body, "Too many sign-in attempts");
  }, { env: { OAUTH_STARTS_PER_IP: "3" } }));

Deno.test("oauth http: the app refuses to start with a plain-http issuer off loopback", async () => {
  const { startServer } = await import("./helpers/server.ts");
  let error: unknown;
  try {
    const s = await startServer({
      env: {
        OIDC_ISSUER: "http://sso.example.com",
        OIDC_CLIENT_ID: "a",
        OIDC_CLIENT_SECRET: "b",
      },
    });
    await s.close();
  } catch (err) {
    error = err;
  }
  assert(error instanceof Error, "startup should fail");
  assertStringIncludes(error.message, "OIDC_ISSUER must use https");
});
