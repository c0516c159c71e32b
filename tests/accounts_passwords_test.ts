import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { Client } from "./helpers/client.ts";
import { type TestServer, withServer } from "./helpers/server.ts";
import { startSmtp, type TestSmtp } from "./helpers/smtp.ts";
import { chatSocket } from "./helpers/chat_ws.ts";

const PW = "correct horse battery";

async function withSmtp(
  fn: (s: TestServer, smtp: TestSmtp) => Promise<void>,
  env: Record<string, string> = {},
) {
  const smtp = await startSmtp();
  try {
    await withServer((s) => fn(s, smtp), {
      env: { SMTP_URL: smtp.url, ...env },
    });
  } finally {
    await smtp.close();
  }
}

function linkIn(text: string, path: string): string {
  const m = new RegExp(`https?://[^\\s/]+(${path}[A-Za-z0-9_%-]+)`).exec(text);
  if (!m) throw new Error(`no ${path} link in: ${text}`);
  return m[1];
}

/** Signs up and verifies `email` through the received mail. */
async function verifiedUser(s: TestServer, smtp: TestSmtp, email: string) {
  const c = await new Client(s.url).signup();
  const before = smtp.mails.length;
  await c.json("/api/me", { method: "PATCH", json: { email } });
  await smtp.waitFor(before + 1);
  const path = linkIn(String(smtp.mails[before].parsed.text), "/verify-email/");
  assertEquals((await c.fetch(path, { method: "POST" })).status, 200);
  return c;
}

async function secondSession(s: TestServer, username: string, password = PW) {
  const c = new Client(s.url);
  assertEquals((await c.login(username, password)).status, 303);
  return c;
}

Deno.test("passwords: change password needs the current one and ends every other session; their sockets close with 4001", async () => {
  await withServer(async (s) => {
    const a = await new Client(s.url).signup();
    const other = await secondSession(s, a.username!);
    const ws = await chatSocket(other);
    const wrong = await a.json("/api/me/password", {
      json: { currentPassword: "not it at all", newPassword: "new password 1" },
    });
    assertEquals(wrong.status, 400);
    assertEquals((await other.json("/api/me")).status, 200);
    const short = await a.json("/api/me/password", {
      json: { currentPassword: PW, newPassword: "short" },
    });
    assertEquals(short.status, 400);
    const ok = await a.json("/api/me/password", {
      json: { currentPassword: PW, newPassword: "new password 1" },
    });
    assertEquals(ok.status, 200);
    assertEquals(ok.body.endedSessions, 1);
    const closed = await ws.closed;
    assertEquals(closed.code, 4001);
    assertEquals((await other.json("/api/me")).status, 401);
    assertEquals((await a.json("/api/me")).status, 200, "this session stays");
    assertEquals((await new Client(s.url).login(a.username!, PW)).status, 400);
    assertEquals(
      (await new Client(s.url).login(a.username!, "new password 1")).status,
      303,
    );
  });
});

Deno.test("passwords: an account without a password (provider sign-up) can set one without a current password", async () => {
  const { signInWithIdentity } = await import(
    "../lib/auth/oauth/identities.ts"
  );
  const { startSession } = await import("../lib/auth/session_cookie.ts");
  await withServer(async (s) => {
    const { user } = await signInWithIdentity(s.kv, {
      provider: "github",
      subject: "77",
      preferredUsername: "octo",
    });
    const cookie = await startSession(
      s.kv,
      s.config,
      new Request(s.url),
      user.id,
    );
    const c = new Client(s.url);
    const [pair] = cookie.split(";");
    const i = pair.indexOf("=");
    c.cookies.set(pair.slice(0, i), pair.slice(i + 1));
    assertEquals((await c.json("/api/me")).body.hasPassword, false);
    const r = await c.json("/api/me/password", {
      json: { newPassword: "first password" },
    });
    assertEquals(r.status, 200);
    assertEquals(
      (await new Client(s.url).login(user.username, "first password")).status,
      303,
    );
  });
});

Deno.test("passwords: forgot-password round trip from the received mail; same page whatever exists; the link works once and ends every session", async () => {
  await withSmtp(async (s, smtp) => {
    const a = await verifiedUser(s, smtp, "reset.me@example.test");
    const ws = await chatSocket(a);
    const pages: string[] = [];
    for (const login of ["nobody-here", "ghost@example.test", a.username!]) {
      const r = await new Client(s.url).fetch("/password/forgot", {
        form: { login },
      });
      assertEquals(r.status, 200);
      pages.push((await r.text()).replace(/nonce="[^"]+"/g, ""));
    }
    assertEquals(pages[0], pages[1]);
    assertEquals(pages[1], pages[2]);
    await smtp.waitFor(2);
    assertEquals(smtp.mails.length, 2, "only the real account got a mail");
    const mail = smtp.mails[1];
    assertEquals(mail.to.map((t) => t.toLowerCase()), [
      "reset.me@example.test",
    ]);
    const path = linkIn(String(mail.parsed.text), "/password/reset/");
    const form = await new Client(s.url).fetch(path);
    assertEquals(form.status, 200);
    assertStringIncludes(await form.text(), `action="${path}"`);
    const tooShort = await new Client(s.url).fetch(path, {
      form: { password: "short" },
    });
    assertEquals(tooShort.status, 400);
    await tooShort.body?.cancel();
    const ok = await new Client(s.url).fetch(path, {
      form: { password: "brand new secret" },
    });
    assertEquals(ok.status, 200);
    assertStringIncludes(await ok.text(), "password was changed");
    assertEquals((await ws.closed).code, 4001);
    assertEquals((await a.json("/api/me")).status, 401, "every session ended");
    // Reuse is refused.
    const again = await new Client(s.url).fetch(path, {
      form: { password: "another secret 2" },
    });
    assertEquals(again.status, 410);
    await again.body?.cancel();
    assertEquals((await new Client(s.url).fetch(path)).status, 410);
    assertEquals(
      (await new Client(s.url).login(a.username!, "brand new secret")).status,
      303,
    );
    // By email too.
    const byMail = await new Client(s.url).fetch("/password/forgot", {
      form: { login: "RESET.ME@example.test" },
    });
    await byMail.body?.cancel();
    await smtp.waitFor(3);
  });
});

Deno.test("passwords: reset requests are rate-limited per IP (429) and per account (no more mails)", async () => {
  await withSmtp(async (s, smtp) => {
    const a = await verifiedUser(s, smtp, "limit@example.test");
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await new Client(s.url).fetch("/password/forgot", {
        form: { login: a.username! },
      });
      await r.body?.cancel();
      statuses.push(r.status);
    }
    assertEquals(statuses.slice(0, 5), [200, 200, 200, 200, 200]);
    assertEquals(statuses[5], 429);
    await new Promise((r) => setTimeout(r, 200));
    assertEquals(
      smtp.mails.length,
      1 + 2,
      "verification + 2 resets (per-account limit)",
    );
  }, { RESETS_PER_IP_PER_HOUR: "5", RESETS_PER_ACCOUNT_PER_HOUR: "2" });
});

Deno.test("passwords: an expired reset link and a malformed token give a clear 410 page", async () => {
  await withSmtp(async (s, smtp) => {
    const a = await verifiedUser(s, smtp, "exp@example.test");
    await new Client(s.url).fetch("/password/forgot", {
      form: { login: a.username! },
    })
      .then((r) => r.body?.cancel());
    await smtp.waitFor(2);
    const path = linkIn(String(smtp.mails[1].parsed.text), "/password/reset/");
    for await (
      const e of s.kv.list<{ expiresAt: string }>({ prefix: ["pw_reset"] })
    ) {
      await s.kv.set(e.key, {
        ...e.value,
        expiresAt: new Date(0).toISOString(),
      });
    }
    for (
      const p of [
        path,
        "/password/reset/%3Cscript%3E",
        "/password/reset/" + "a".repeat(300),
      ]
    ) {
      const r = await new Client(s.url).fetch(p, {
        form: { password: "whatever long" },
      });
      assertEquals(r.status, 410, p);
      assertStringIncludes(await r.text(), "not valid any more");
    }
  });
});

Deno.test("sessions: the list shows created, last seen, user agent and IP; log out one, then all others", async () => {
  await withServer(async (s) => {
    const a = await new Client(s.url).signup();
    const b = await secondSession(s, a.username!);
    const c = await secondSession(s, a.username!);
    const list = await a.json<{ sessions: Record<string, unknown>[] }>(
      "/api/me/sessions",
    );
    assertEquals(list.body.sessions.length, 3);
    const current = list.body.sessions.filter((x) => x.current);
    assertEquals(current.length, 1);
    for (const x of list.body.sessions) {
      assert(
        x.createdAt && x.lastSeenAt && x.ip === "127.0.0.1",
        JSON.stringify(x),
      );
      assert(typeof x.userAgent === "string");
    }
    const bId = (await b.json<{ sessions: { id: string; current: boolean }[] }>(
      "/api/me/sessions",
    ))
      .body.sessions.find((x) => x.current)!.id;
    const del = await a.fetch(`/api/me/sessions/${bId}`, { method: "DELETE" });
    assertEquals(del.status, 204);
    assertEquals((await b.json("/api/me")).status, 401);
    assertEquals((await c.json("/api/me")).status, 200);
    const notMine = await b.fetch(`/api/me/sessions/${bId}`, {
      method: "DELETE",
    });
    assertEquals(notMine.status, 401);
    await notMine.body?.cancel();
    const others = await a.json("/api/me/sessions", { method: "DELETE" });
    assertEquals(others.body.endedSessions, 1);
    assertEquals((await c.json("/api/me")).status, 401);
    assertEquals((await a.json("/api/me")).status, 200);
    const gone = await a.fetch("/api/me/sessions/nope", { method: "DELETE" });
    assertEquals(gone.status, 404);
    await gone.body?.cancel();
  });
});

Deno.test("passwords: a reset link stops working once the account is deactivated", async () => {
  await withSmtp(async (s, smtp) => {
    const admin = await new Client(s.url).signup();
    const bob = await verifiedUser(s, smtp, "bob@example.test");
    await new Client(s.url).fetch("/password/forgot", {
      form: { login: bob.username! },
    }).then((r) => r.body?.cancel());
    await smtp.waitFor(2);
    const path = linkIn(String(smtp.mails[1].parsed.text), "/password/reset/");
    assertEquals((await new Client(s.url).fetch(path)).status, 200);
    const off = await admin.json(`/api/admin/users/${bob.username}`, {
      method: "PATCH",
      json: { active: false },
    });
    assertEquals(off.status, 200);
    const page = await new Client(s.url).fetch(path);
    assertEquals(page.status, 410);
    await page.body?.cancel();
    const post = await new Client(s.url).fetch(path, {
      form: { password: "taking it over" },
    });
    assertEquals(post.status, 410);
    await post.body?.cancel();
    const login = await new Client(s.url).login(
      bob.username!,
      "taking it over",
    );
    assertEquals(login.status, 400);
  });
});
