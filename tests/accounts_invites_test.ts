import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { Client, uniqueName } from "./helpers/client.ts";
import { type TestServer, withServer } from "./helpers/server.ts";
import { startSmtp } from "./helpers/smtp.ts";
import { loadConfig } from "../lib/config.ts";

const invitePolicy = (
  fn: (s: TestServer) => Promise<void>,
  env: Record<string, string> = {},
) => withServer(fn, { env: { SIGNUP_POLICY: "invite", ...env } });

async function signupStatus(
  s: TestServer,
  form: Record<string, string>,
): Promise<{ status: number; text: string; client: Client }> {
  const client = new Client(s.url);
  const res = await client.fetch("/signup", {
    form: { password: "correct horse battery", ...form },
  });
  return { status: res.status, text: await res.text(), client };
}

async function invite(
  admin: Client,
  body: Record<string, unknown> = {},
) {
  return await admin.json<
    {
      id: string;
      url: string;
      expiresAt: string;
      usesLeft: number;
      mailed: boolean;
    }
  >("/api/invites", { json: body });
}

const tokenOf = (url: string) => new URL(url).searchParams.get("invite")!;

Deno.test("accounts: SIGNUP_POLICY defaults to invite and refuses unknown values", () => {
  assertEquals(loadConfig({}).signupPolicy, "invite");
  assertEquals(loadConfig({ SIGNUP_POLICY: "open" }).signupPolicy, "open");
  let threw = false;
  try {
    loadConfig({ SIGNUP_POLICY: "everyone" });
  } catch {
    threw = true;
  }
  assert(threw);
});

Deno.test("accounts: the first account on an empty store is the admin, the next a member", async () => {
  await withServer(async (s) => {
    const a = await new Client(s.url).signup();
    const b = await new Client(s.url).signup();
    assertEquals((await a.json("/api/me")).body.role, "admin");
    assertEquals((await b.json("/api/me")).body.role, "member");
  });
});

Deno.test("accounts: two parallel first sign-ups make exactly one admin (invite policy: the loser is refused)", async () => {
  await invitePolicy(async (s) => {
    const results = await Promise.all(
      Array.from(
        { length: 6 },
        () => signupStatus(s, { username: uniqueName() }),
      ),
    );
    const ok = results.filter((r) => r.status === 303);
    assertEquals(ok.length, 1, results.map((r) => r.status).join(","));
    for (const r of results.filter((r) => r.status !== 303)) {
      assertEquals(r.status, 403);
    }
    assertEquals((await ok[0].client.json("/api/me")).body.role, "admin");
  });
  await withServer(async (s) => {
    const clients = Array.from({ length: 6 }, () => new Client(s.url));
    await Promise.all(clients.map((c) => c.signup()));
    const roles = await Promise.all(
      clients.map(async (c) => (await c.json("/api/me")).body.role),
    );
    assertEquals(roles.filter((r) => r === "admin").length, 1);
  });
});

Deno.test("accounts: invite-only sign-up refuses without a link and accepts with one", async () => {
  await invitePolicy(async (s) => {
    const admin = await new Client(s.url).signup();
    const page = await new Client(s.url).fetch("/signup");
    assertStringIncludes(await page.text(), "needs an invitation");
    const refused = await signupStatus(s, { username: uniqueName() });
    assertEquals(refused.status, 403);
    assertStringIncludes(refused.text, "needs an invitation");

    const inv = await invite(admin);
    assertEquals(inv.status, 201);
    assertEquals(inv.body.usesLeft, 1);
    assert(Date.parse(inv.body.expiresAt) > Date.now());
    assert(inv.body.url.startsWith(`${s.url}/signup?invite=`), inv.body.url);
    const token = tokenOf(inv.body.url);
    assert(token.length >= 22, "at least 128 bits");
    const form = await new Client(s.url).fetch(`/signup?invite=${token}`);
    const html = await form.text();
    assertEquals(form.status, 200);
    assertStringIncludes(html, `name="invite" value="${token}"`);
    const ok = await signupStatus(s, { username: uniqueName(), invite: token });
    assertEquals(ok.status, 303);
    assertEquals((await ok.client.json("/api/me")).body.role, "member");
    // The token itself is not stored, only its hash.
    for await (const e of s.kv.list({ prefix: [] })) {
      assert(!JSON.stringify(e).includes(token), "raw token stored");
    }
  });
});

Deno.test("accounts: expired, revoked, used-up and unknown invitation links are refused with a clear page", async () => {
  await invitePolicy(async (s) => {
    const admin = await new Client(s.url).signup();
    const used = tokenOf((await invite(admin)).body.url);
    assertEquals(
      (await signupStatus(s, { username: uniqueName(), invite: used })).status,
      303,
    );
    const revoked = await invite(admin);
    const del = await admin.fetch(`/api/invites/${revoked.body.id}`, {
      method: "DELETE",
    });
    assertEquals(del.status, 204);
    const expiredInv = await invite(admin);
    const key = ["invites", expiredInv.body.id];
    const rec = (await s.kv.get<{ expiresAt: string }>(key)).value!;
    await s.kv.set(key, { ...rec, expiresAt: new Date(0).toISOString() });

    const cases: [string, string][] = [
      [used, "already been used"],
      [tokenOf(revoked.body.url), "revoked"],
      [tokenOf(expiredInv.body.url), "expired"],
      ["no-such-token-" + "x".repeat(30), "not valid"],
      ["%00<script>", "not valid"],
      ["x".repeat(5000), "not valid"],
    ];
    for (const [token, why] of cases) {
      const page = await new Client(s.url).fetch(
        `/signup?invite=${encodeURIComponent(token)}`,
      );
      const html = await page.text();
      assertEquals(page.status, 410, token);
      assertStringIncludes(html, why);
      const post = await signupStatus(s, {
        username: uniqueName(),
        invite: token,
      });
      assertEquals(post.status, 410, token);
      assertStringIncludes(post.text, why);
    }
  });
});

Deno.test("accounts: a link for two uses admits two people, then is used up", async () => {
  await invitePolicy(async (s) => {
    const admin = await new Client(s.url).signup();
    const inv = await invite(admin, { uses: 2 });
    const token = tokenOf(inv.body.url);
    const results = await Promise.all(
      Array.from(
        { length: 4 },
        () => signupStatus(s, { username: uniqueName(), invite: token }),
      ),
    );
    assertEquals(results.filter((r) => r.status === 303).length, 2);
    const list = await admin.json<
      { invites: { usesLeft: number; status: string }[] }
    >(
      "/api/invites",
    );
    assertEquals(list.body.invites[0].usesLeft, 0);
    assertEquals(list.body.invites[0].status, "used");
  });
});

Deno.test("accounts: invitation limits are explicit (uses 1–100, expiresInHours 1–720, a valid email)", async () => {
  await invitePolicy(async (s) => {
    const admin = await new Client(s.url).signup();
    for (
      const body of [
        { uses: 0 },
        { uses: 101 },
        { uses: "3" },
        { expiresInHours: 721 },
        { expiresInHours: 0.5 },
        { email: "not an address" },
        { email: "a@b.test\r\nBcc: x@y.test" },
      ]
    ) {
      const r = await invite(admin, body);
      assertEquals(r.status, 400, JSON.stringify(body));
    }
    const bad = await admin.fetch("/api/invites", {
      method: "POST",
      body: "{",
      headers: { "content-type": "application/json" },
    });
    assertEquals(bad.status, 400);
    await bad.body?.cancel();
  });
});

Deno.test("accounts: members cannot invite unless MEMBERS_CAN_INVITE=1 and see only their own invitations", async () => {
  await withServer(async (s) => {
    await new Client(s.url).signup();
    const member = await new Client(s.url).signup();
    assertEquals((await invite(member)).status, 403);
  });
  await withServer(async (s) => {
    const admin = await new Client(s.url).signup();
    const member = await new Client(s.url).signup();
    const other = await new Client(s.url).signup();
    const adminInv = await invite(admin);
    const mine = await invite(member);
    assertEquals(mine.status, 201);
    const list = await member.json<{ invites: { id: string }[] }>(
      "/api/invites",
    );
    assertEquals(list.body.invites.map((i) => i.id), [mine.body.id]);
    const all = await admin.json<{ invites: { id: string }[] }>("/api/invites");
    assertEquals(all.body.invites.length, 2);
    // Another member's or the admin's invitation: 404, not revoked.
    for (const id of [adminInv.body.id, mine.body.id]) {
      const r = await other.fetch(`/api/invites/${id}`, { method: "DELETE" });
      await r.body?.cancel();
      assertEquals(r.status, 404);
    }
    assertEquals(
      (await member.fetch(`/api/invites/${mine.body.id}`, { method: "DELETE" }))
        .status,
      204,
    );
    const anon = await new Client(s.url).fetch("/api/invites");
    await anon.body?.cancel();
    assertEquals(anon.status, 401);
    const cross = await admin.fetch("/api/invites", {
      json: {},
      origin: "https://evil.test",
    });
    await cross.body?.cancel();
    assertEquals(cross.status, 403);
  }, { env: { MEMBERS_CAN_INVITE: "1" } });
});

Deno.test("accounts: SIGNUP_POLICY=closed refuses sign-ups and new invitations after the first account", async () => {
  await withServer(async (s) => {
    const admin = await new Client(s.url).signup();
    assertEquals((await invite(admin)).status, 403);
    const r = await signupStatus(s, { username: uniqueName() });
    assertEquals(r.status, 403);
    assertStringIncludes(r.text, "closed");
  }, { env: { SIGNUP_POLICY: "closed" } });
});

Deno.test("accounts: an invitation with an email is mailed; signing up with it verifies that address", async () => {
  const smtp = await startSmtp();
  try {
    await invitePolicy(async (s) => {
      const admin = await new Client(s.url).signup();
      const inv = await invite(admin, { email: "Ann.Lee@Example.test" });
      assertEquals(inv.status, 201);
      assertEquals(inv.body.mailed, true);
      await smtp.waitFor(1);
      const mail = smtp.mails[0];
      assertEquals(mail.to.map((a) => a.toLowerCase()), [
        "ann.lee@example.test",
      ]);
      const link = /https?:\/\/\S+\/signup\?invite=[A-Za-z0-9_-]+/.exec(
        String(mail.parsed.text),
      )![0];
      const path = new URL(link).pathname + new URL(link).search;
      const page = await new Client(s.url).fetch(path);
      assertStringIncludes(await page.text(), "Ann.Lee@Example.test");
      const ok = await signupStatus(s, {
        username: uniqueName("ann"),
        invite: tokenOf(link),
      });
      assertEquals(ok.status, 303);
      const me = await ok.client.json("/api/me");
      assertEquals(me.body.email, "Ann.Lee@Example.test");
      assertEquals(me.body.emailVerified, true);
    }, { SMTP_URL: smtp.url });
  } finally {
    await smtp.close();
  }
});

Deno.test("accounts: OAuth cannot create accounts past the first when sign-up needs an invitation", async () => {
  const { signInWithIdentity } = await import(
    "../lib/auth/oauth/identities.ts"
  );
  await invitePolicy(async (s) => {
    await new Client(s.url).signup();
    let code = "";
    try {
      await signInWithIdentity(
        s.kv,
        {
          provider: "github",
          subject: "42",
          preferredUsername: "octo",
        },
        100,
        { firstOnly: true },
      );
    } catch (err) {
      code = (err as { code: string }).code;
    }
    assertEquals(code, "invite_required");
  });
});
