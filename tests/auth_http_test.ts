import {
  assert,
  assertEquals,
  assertNotIncludes,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { Client, uniqueName } from "./helpers/client.ts";
import { type TestServer, withServer as serve } from "./helpers/server.ts";

const withServer = (
  fn: (s: TestServer) => Promise<void>,
  env?: Record<string, string>,
) => serve(fn, { env });

Deno.test("auth: sign-up signs in with an HttpOnly SameSite=Lax session cookie and redirects", async () => {
  await withServer(async (s) => {
    const c = new Client(s.url);
    const name = uniqueName("alice");
    const res = await c.fetch("/signup", {
      form: { username: name, password: "long enough pw" },
    });
    await res.body?.cancel();
    assertEquals(res.status, 303);
    assertEquals(res.headers.get("location"), "/");
    const cookie = res.headers.getSetCookie()[0];
    assert(cookie.startsWith("rt_session="), cookie);
    assertStringIncludes(cookie, "HttpOnly");
    assertStringIncludes(cookie, "SameSite=Lax");
    assertStringIncludes(cookie, "Path=/");
    assertNotIncludes(cookie, "Secure");
    const me = await c.json("/api/me");
    assertEquals(me.status, 200);
    assertEquals(me.body.username, name);
  });
});

Deno.test("auth: on https the cookie is Secure with the __Host- prefix", async () => {
  await withServer(async (s) => {
    const res = await fetch(s.url + "/signup", {
      method: "POST",
      redirect: "manual",
      headers: {
        origin: "https://chat.example.com",
        "content-type": "application/x-www-form-urlencoded",
      },
      body: new URLSearchParams({
        username: uniqueName(),
        password: "long enough pw",
      }),
    });
    await res.body?.cancel();
    assertEquals(res.status, 303);
    const cookie = res.headers.getSetCookie()[0];
    assert(cookie.startsWith("__Host-rt_session="), cookie);
    assertStringIncludes(cookie, "Secure");
  }, { APP_URL: "https://chat.example.com" });
});

Deno.test("auth: login issues a new session id and logout deletes it", async () => {
  await withServer(async (s) => {
    const c = await new Client(s.url).signup(uniqueName("bob"), "password123");
    const first = c.cookies.get("rt_session")!;
    const stale = new Client(s.url);
    stale.cookies.set("rt_session", first);
    const login = await c.login(c.username!, "password123");
    assertEquals(login.status, 303);
    const second = c.cookies.get("rt_session")!;
    assert(second && second !== first, "a new session id at login");
    assertEquals(
      (await stale.json("/api/me")).status,
      401,
      "the old session is gone",
    );
    assertEquals((await c.json("/api/me")).status, 200);
    const out = await c.fetch("/logout", { method: "POST" });
    await out.body?.cancel();
    assertEquals(out.status, 303);
    assertEquals(out.headers.get("location"), "/login");
    assertStringIncludes(out.headers.getSetCookie()[0], "Max-Age=0");
    const replay = new Client(s.url);
    replay.cookies.set("rt_session", second);
    assertEquals(
      (await replay.json("/api/me")).status,
      401,
      "the session is deleted, not just the cookie",
    );
  });
});

Deno.test("auth: signed-out users are redirected from app pages and get 401 from the API", async () => {
  await withServer(async (s) => {
    const c = new Client(s.url);
    const home = await c.fetch("/");
    await home.body?.cancel();
    assertEquals(home.status, 303);
    assertEquals(home.headers.get("location"), "/login");
    const deep = await c.fetch("/?tab=x");
    await deep.body?.cancel();
    assertEquals(deep.headers.get("location"), "/login?next=%2F%3Ftab%3Dx");
    const me = await c.json("/api/me");
    assertEquals(me.status, 401);
    assertEquals(me.body, {
      error: { code: "unauthorized", message: "Sign in first." },
    });
    const forged = new Client(s.url);
    forged.cookies.set("rt_session", "forged-token");
    assertEquals((await forged.json("/api/me")).status, 401);
  });
});

Deno.test("auth: unsafe requests without a same-origin Origin or Sec-Fetch-Site get 403", async () => {
  await withServer(async (s) => {
    const c = await new Client(s.url).signup();
    const evil = await c.fetch("/logout", {
      method: "POST",
      origin: "https://evil.example",
    });
    assertEquals(evil.status, 403);
    await evil.body?.cancel();
    const none = await c.fetch("/logout", { method: "POST", origin: null });
    assertEquals(none.status, 403);
    await none.body?.cancel();
    const crossSite = await c.fetch("/logout", {
      method: "POST",
      origin: null,
      headers: { "sec-fetch-site": "cross-site" },
    });
    assertEquals(crossSite.status, 403);
    await crossSite.body?.cancel();
    assertEquals((await c.json("/api/me")).status, 200, "still signed in");
    const sameOrigin = await c.fetch("/logout", {
      method: "POST",
      origin: null,
      headers: { "sec-fetch-site": "same-origin" },
    });
    await sameOrigin.body?.cancel();
    assertEquals(sameOrigin.status, 303);
  });
});

Deno.test("auth: form errors are clear and keep the typed username", async () => {
  await withServer(async (s) => {
    const c = new Client(s.url);
    const name = uniqueName("carol");
    await c.signup(name, "password123");
    const other = new Client(s.url);
    const cases: [Record<string, string>, number, string][] = [
      [
        { username: name, password: "password123" },
        409,
        "That username is taken.",
      ],
      [
        { username: "No Spaces!", password: "password123" },
        400,
        "Usernames are 3 to 32 characters",
      ],
      [
        { username: "ab", password: "password123" },
        400,
        "Usernames are 3 to 32 characters",
      ],
      [
        { username: uniqueName(), password: "short" },
        400,
        "at least 8 characters",
      ],
    ];
    for (const [form, status, message] of cases) {
      const res = await other.fetch("/signup", { form });
      const html = await res.text();
      assertEquals(res.status, status, JSON.stringify(form));
      assertStringIncludes(html, message);
      assertEquals(res.headers.getSetCookie().length, 0);
    }
    const wrongPw = await other.fetch("/login", {
      form: { username: name, password: "wrong-password" },
    });
    const unknown = await other.fetch("/login", {
      form: { username: "nobody_here", password: "wrong-password" },
    });
    const [a, b] = [await wrongPw.text(), await unknown.text()];
    assertEquals([wrongPw.status, unknown.status], [400, 400]);
    assertStringIncludes(a, "Wrong username or password.");
    assertStringIncludes(b, "Wrong username or password.");
    assertStringIncludes(a, `value="${name}"`);
  });
});

Deno.test("auth: a user's input is escaped in the re-rendered form", async () => {
  await withServer(async (s) => {
    const res = await new Client(s.url).fetch("/login", {
      form: { username: '"><script>alert(1)</script>', password: "x" },
    });
    const html = await res.text();
    assertNotIncludes(html, "<script>alert(1)");
    assertStringIncludes(html, "&lt;script>alert(1)&lt;/script>");
  });
});

Deno.test("auth: repeated failed logins answer 429 per username, even with the right password", async () => {
  await withServer(async (s) => {
    const c = await new Client(s.url).signup(uniqueName("dave"), "password123");
    const attacker = new Client(s.url);
    for (let i = 0; i < 3; i++) {
      assertEquals(
        (await attacker.login(c.username!, "bad-password")).status,
        400,
      );
    }
    const blocked = await attacker.login(c.username!, "password123");
    assertEquals(blocked.status, 429);
    assert(Number(blocked.headers.get("retry-after")) > 0);
  }, { LOGIN_FAILURES_PER_USER: "3" });
});

Deno.test("auth: repeated failed logins from one IP answer 429 across usernames", async () => {
  await withServer(async (s) => {
    const c = new Client(s.url);
    for (let i = 0; i < 4; i++) {
      assertEquals(
        (await c.login(uniqueName("ghost"), "bad-password")).status,
        400,
      );
    }
    assertEquals(
      (await c.login(uniqueName("ghost"), "bad-password")).status,
      429,
    );
  }, { LOGIN_FAILURES_PER_IP: "4" });
});

Deno.test("auth: oversize bodies get 413 and malformed forms 400", async () => {
  await withServer(async (s) => {
    const c = new Client(s.url);
    const big = await c.fetch("/login", {
      form: { username: "x", password: "y".repeat(2048) },
    });
    await big.text();
    assertEquals(big.status, 413);
    const malformed = await c.fetch("/login", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "username=%zz&password=%",
    });
    assertEquals(malformed.status, 400);
    assertStringIncludes(await malformed.text(), "malformed");
    const wrongType = await c.fetch("/signup", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "a", password: "b" }),
    });
    assertEquals(wrongType.status, 400);
    await wrongType.body?.cancel();
  }, { MAX_BODY_BYTES: "1024", MAX_IMPORT_BYTES: "1024" });
});

Deno.test("auth: the login page ships no script, /healthz answers ok", async () => {
  await withServer(async (s) => {
    const login = await fetch(s.url + "/login");
    assertNotIncludes(await login.text(), "<script");
    const health = await fetch(s.url + "/healthz");
    assertEquals(await health.json(), { ok: true });
  });
});

Deno.test("auth: the home page loads exactly one module script", async () => {
  await withServer(async (s) => {
    const c = await new Client(s.url).signup();
    const res = await c.fetch("/");
    const html = await res.text();
    assertEquals(res.status, 200);
    assertEquals(html.match(/<script type="module"/g)?.length, 1);
    assertEquals(
      html.match(/<script/g)?.length,
      2,
      "the module script plus its JSON props",
    );
  });
});

Deno.test("auth: login follows a same-origin next path and ignores open redirects", async () => {
  await withServer(async (s) => {
    const c = await new Client(s.url).signup(uniqueName("erin"), "password123");
    const cases: [string, string][] = [
      ["/chat?room=1", "/chat?room=1"],
      ["//evil.example/x", "/"],
      ["https://evil.example/", "/"],
      ["/\\evil.example", "/"],
      ["javascript:alert(1)", "/"],
    ];
    for (const [next, expected] of cases) {
      const res = await c.fetch(`/login?next=${encodeURIComponent(next)}`, {
        form: { username: c.username!, password: "password123" },
      });
      await res.body?.cancel();
      assertEquals(res.status, 303, next);
      assertEquals(res.headers.get("location"), expected, next);
    }
  });
});
