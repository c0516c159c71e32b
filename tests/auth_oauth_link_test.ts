/**
 * Linking and unlinking providers from Settings, and GitHub / Google
 * sign-in through their local stand-ins, over HTTP against the real app.
 */
import {
  assert,
  assertEquals,
  assertNotIncludes,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { Client, uniqueName } from "./helpers/client.ts";
import { signInAtProvider, visit, withOAuthApp } from "./helpers/oauth_app.ts";

const sameOrigin = { headers: { "sec-fetch-site": "same-origin" } };

Deno.test("oauth link: a password user links a provider, then signs in with it", () =>
  withOAuthApp(async ({ server }) => {
    const name = uniqueName("pw");
    const c = await new Client(server.url).signup(name, "password123");
    let page = await visit(c, "/settings");
    assertEquals(page.status, 200);
    assertStringIncludes(page.body, 'href="/auth/oidc?link=1"');
    // Start linking (a same-origin navigation from the Settings page).
    const start = await c.fetch("/auth/oidc?link=1", sameOrigin);
    await start.body?.cancel();
    assertEquals(start.status, 302);
    const { loginAtProvider } = await import("./helpers/oidc_provider.ts");
    const cb = await loginAtProvider(start.headers.get("location")!, {
      login: "corp-user-1",
    });
    const done = await visit(c, cb.pathname + cb.search);
    assertEquals(done.status, 303);
    assertEquals(done.res.headers.get("location"), "/settings?linked=oidc");
    page = await visit(c, "/settings?linked=oidc");
    assertStringIncludes(page.body, "Test SSO is now linked");
    assertStringIncludes(page.body, "Linked as corp-user-1");

    // A fresh browser signing in at the provider lands in the same account.
    const b = new Client(server.url);
    await visit(
      b,
      await signInAtProvider(b, "/auth/oidc", { login: "corp-user-1" }),
    );
    assertEquals((await b.json("/api/me")).body.username, name);

    // Unlink (the password remains): the identity no longer signs in here.
    const un = await c.fetch("/settings", {
      form: { action: "unlink", provider: "oidc" },
    });
    await un.body?.cancel();
    assertEquals(un.status, 303);
    assertEquals(un.headers.get("location"), "/settings?unlinked=oidc");
    const d = new Client(server.url);
    await visit(
      d,
      await signInAtProvider(d, "/auth/oidc", { login: "corp-user-1" }),
    );
    const me = (await d.json("/api/me")).body as { username: string };
    assert(me.username !== name, "a new account after unlinking");
  }));

Deno.test("oauth link: the only way to sign in cannot be unlinked", () =>
  withOAuthApp(async ({ server }) => {
    const c = new Client(server.url);
    await visit(c, await signInAtProvider(c, "/auth/oidc", { login: "solo" }));
    const page = await visit(c, "/settings");
    assertStringIncludes(page.body, "This account has no password.");
    const res = await c.fetch("/settings", {
      form: { action: "unlink", provider: "oidc" },
    });
    const body = await res.text();
    assertEquals(res.status, 409);
    assertStringIncludes(body, "only way to sign in");
    // Still linked: signing in again finds the same account.
    const b = new Client(server.url);
    await visit(b, await signInAtProvider(b, "/auth/oidc", { login: "solo" }));
    assertEquals((await b.json("/api/me")).body.username, "solo");
  }));

Deno.test("oauth link: an identity already used by another account cannot be linked", () =>
  withOAuthApp(async ({ server }) => {
    const owner = new Client(server.url);
    await visit(
      owner,
      await signInAtProvider(owner, "/auth/oidc", { login: "taken" }),
    );
    const c = await new Client(server.url).signup(
      uniqueName("pw"),
      "password123",
    );
    const start = await c.fetch("/auth/oidc?link=1", sameOrigin);
    await start.body?.cancel();
    const { loginAtProvider } = await import("./helpers/oidc_provider.ts");
    const cb = await loginAtProvider(start.headers.get("location")!, {
      login: "taken",
    });
    const done = await visit(c, cb.pathname + cb.search);
    assertEquals(done.status, 303);
    const page = await visit(c, done.res.headers.get("location")!);
    assertStringIncludes(page.body, "already linked to another user");
    assertStringIncludes(page.body, "Not linked");
  }));

Deno.test("oauth link: linking needs a signed-in user and a same-origin start", () =>
  withOAuthApp(async ({ server }) => {
    const anon = new Client(server.url);
    const r1 = await anon.fetch("/auth/oidc?link=1");
    await r1.body?.cancel();
    assertEquals(r1.status, 303);
    assertEquals(r1.headers.get("location"), "/login?next=%2Fsettings");
    const c = await new Client(server.url).signup(
      uniqueName("pw"),
      "password123",
    );
    const r2 = await c.fetch("/auth/oidc?link=1", {
      headers: { "sec-fetch-site": "cross-site" },
    });
    const body = await r2.text();
    assertEquals(r2.status, 403);
    assertStringIncludes(body, "Settings page");
    assert(!c.cookies.has("oauth_flow"));
    // Settings itself needs a session.
    const r3 = await anon.fetch("/settings");
    await r3.body?.cancel();
    assertEquals(r3.status, 303);
  }));

Deno.test("oauth link: unlink refuses unknown providers and cross-site posts", () =>
  withOAuthApp(async ({ server }) => {
    const c = await new Client(server.url).signup(
      uniqueName("pw"),
      "password123",
    );
    const bad = await c.fetch("/settings", {
      form: { action: "unlink", provider: "myspace" },
    });
    await bad.text();
    assertEquals(bad.status, 400);
    const notLinked = await c.fetch("/settings", {
      form: { action: "unlink", provider: "oidc" },
    });
    assertStringIncludes(await notLinked.text(), "is not linked");
    assertEquals(notLinked.status, 404);
    const cross = await c.fetch("/settings", {
      form: { action: "unlink", provider: "oidc" },
      origin: "https://evil.example",
    });
    await cross.body?.cancel();
    assertEquals(cross.status, 403);
  }));

Deno.test("oauth github: sign-in through the GitHub stand-in uses the numeric id, not the login", () =>
  withOAuthApp(async ({ server, github }) => {
    const c = new Client(server.url);
    const start = await c.fetch("/auth/github");
    await start.body?.cancel();
    const authorize = new URL(start.headers.get("location")!);
    assertEquals(authorize.origin, github!.origin);
    assertEquals(authorize.searchParams.get("code_challenge_method"), "S256");
    assertEquals(authorize.searchParams.get("scope"), "read:user");
    c.cookies.delete("oauth_flow");
    const c1 = new Client(server.url);
    await visit(c1, await signInAtProvider(c1, "/auth/github", { login: "" }));
    assertEquals((await c1.json("/api/me")).body.username, "octo-cat");
    // The same GitHub user renamed their login: still the same account.
    github!.user = { id: 583231, login: "renamed-cat" };
    const c2 = new Client(server.url);
    await visit(c2, await signInAtProvider(c2, "/auth/github", { login: "" }));
    assertEquals((await c2.json("/api/me")).body.username, "octo-cat");
    // Denied at GitHub.
    github!.deny = "access_denied";
    const c3 = new Client(server.url);
    const denied = await visit(
      c3,
      await signInAtProvider(c3, "/auth/github", { login: "" }),
    );
    assertEquals(denied.status, 400);
    assertStringIncludes(denied.body, "Sign-in with GitHub was cancelled");
    assert(!c3.cookies.has("rt_session"));
  }, { githubUser: { id: 583231, login: "Octo-Cat", email: null } }));

Deno.test("oauth google: sign-in through a local provider standing in for Google", () =>
  withOAuthApp(async ({ server, google }) => {
    const c = new Client(server.url);
    const start = await c.fetch("/auth/google?next=%2Fchat");
    await start.body?.cancel();
    assertEquals(
      new URL(start.headers.get("location")!).origin,
      google!.issuer,
    );
    c.cookies.delete("oauth_flow");
    const cb = await signInAtProvider(c, "/auth/google?next=%2Fchat", {
      login: "gina",
    });
    assert(cb.startsWith("/auth/google/callback?"), cb);
    const done = await visit(c, cb);
    assertEquals(done.res.headers.get("location"), "/chat");
    assertEquals((await c.json("/api/me")).body.username, "gina");
    // Google's callback refuses a flow started for the OIDC provider.
    const d = new Client(server.url);
    const oidcCb = await signInAtProvider(d, "/auth/oidc", { login: "gina" });
    const cross = await visit(
      d,
      oidcCb.replace("/auth/oidc/", "/auth/google/"),
    );
    assertEquals(cross.status, 400);
    assertNotIncludes(cross.body, "Welcome");
    assert(!d.cookies.has("rt_session"));
  }, { google: true }));

Deno.test("oauth link: a linking flow finished under another session links nothing", () =>
  withOAuthApp(async ({ server }) => {
    const a = uniqueName("pa");
    const b = uniqueName("pb");
    await new Client(server.url).signup(b, "password123");
    const c = await new Client(server.url).signup(a, "password123");
    const start = await c.fetch("/auth/oidc?link=1", sameOrigin);
    await start.body?.cancel();
    const { loginAtProvider } = await import("./helpers/oidc_provider.ts");
    const cb = await loginAtProvider(start.headers.get("location")!, {
      login: "switcher",
    });
    // Meanwhile the browser signs in as someone else.
    assertEquals((await c.login(b, "password123")).status, 303);
    const done = await visit(c, cb.pathname + cb.search);
    assertEquals(
      done.res.headers.get("location"),
      "/settings?error=oauth_link_mismatch&provider=oidc",
    );
    const page = await visit(c, done.res.headers.get("location")!);
    assertStringIncludes(page.body, "started by another session");
    assertStringIncludes(page.body, "Not linked");
    // Nobody got the identity: signing in with it makes a new account.
    const d = new Client(server.url);
    await visit(
      d,
      await signInAtProvider(d, "/auth/oidc", { login: "switcher" }),
    );
    assertEquals((await d.json("/api/me")).body.username, "switcher");
  }));
