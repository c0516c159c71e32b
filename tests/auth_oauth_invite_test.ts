/**
 * Invitations through provider sign-up: the real app under
 * SIGNUP_POLICY=invite against a real OpenID Provider (npm:oidc-provider).
 */
import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { Client } from "./helpers/client.ts";
import { signInAtProvider, visit, withOAuthApp } from "./helpers/oauth_app.ts";
import { loginAtProvider } from "./helpers/oidc_provider.ts";

const INVITE_ONLY = { env: { SIGNUP_POLICY: "invite" } };

async function inviteToken(
  admin: Client,
  body: Record<string, unknown> = {},
): Promise<string> {
  const r = await admin.json<{ url: string }>("/api/invites", { json: body });
  assertEquals(r.status, 201);
  return new URL(r.body.url).searchParams.get("invite")!;
}

/** Starts at `path` and signs in at the provider; the callback path. */
async function startAndLogin(c: Client, path: string, login: string) {
  const start = await c.fetch(path);
  await start.body?.cancel();
  assertEquals(start.status, 302, path);
  const cb = await loginAtProvider(start.headers.get("location")!, { login });
  return cb.pathname + cb.search;
}

Deno.test("oauth invite: an invited person signs up with the provider from the invite link and is in, with the invitation's address verified", () =>
  withOAuthApp(async ({ server }) => {
    const admin = await new Client(server.url).signup();
    const token = await inviteToken(admin, { email: "Invitee@Example.test" });
    const c = new Client(server.url);
    const page = await (await c.fetch(`/signup?invite=${token}`)).text();
    const href = `/auth/oidc?invite=${encodeURIComponent(token)}`;
    assertStringIncludes(page, `href="${href}"`);
    const { res } = await visit(
      c,
      await signInAtProvider(c, href, {
        login: "invitee",
      }),
    );
    assertEquals(res.status, 303);
    assertEquals(res.headers.get("location"), "/");
    const me = await c.json("/api/me");
    assertEquals(me.status, 200);
    assertEquals(me.body.username, "invitee");
    assertEquals(me.body.email, "Invitee@Example.test");
    assertEquals(me.body.emailVerified, true);
    const list = await admin.json<{ invites: { status: string }[] }>(
      "/api/invites",
    );
    assertEquals(list.body.invites[0].status, "used");
    // Signing in again later needs no invitation.
    const again = new Client(server.url);
    await visit(
      again,
      await signInAtProvider(again, "/auth/oidc", {
        login: "invitee",
      }),
    );
    assertEquals((await again.json("/api/me")).body.username, "invitee");
  }, INVITE_ONLY));

Deno.test("oauth invite: a single-use invitation admits one provider sign-up; the second is refused with a readable page and no session", () =>
  withOAuthApp(async ({ server }) => {
    const admin = await new Client(server.url).signup();
    const token = await inviteToken(admin);
    const path = `/auth/oidc?invite=${encodeURIComponent(token)}`;
    // Both start while the link is still unused; only one may finish.
    const first = new Client(server.url);
    const second = new Client(server.url);
    const cb1 = await startAndLogin(first, path, "first-one");
    const cb2 = await startAndLogin(second, path, "second-one");
    assertEquals((await visit(first, cb1)).status, 303);
    assertEquals((await first.json("/api/me")).body.username, "first-one");
    const refused = await visit(second, cb2);
    assertEquals(refused.status, 410);
    assertStringIncludes(refused.body, "already been used");
    assertStringIncludes(refused.body, 'data-error-code="invite_used"');
    assert(!second.cookies.has("rt_session"), "no session");
    assertEquals((await second.json("/api/me")).status, 401);
    // Starting again with the used link is refused at once.
    const late = new Client(server.url);
    const start = await late.fetch(path);
    assertEquals(start.status, 410);
    assertStringIncludes(await start.text(), "already been used");
    const users = await admin.json<{ users: { username: string }[] }>(
      "/api/admin/users",
    );
    assertEquals(
      users.body.users.map((u) => u.username).filter((u) => u.endsWith("-one")),
      ["first-one"],
    );
  }, INVITE_ONLY));

Deno.test("oauth invite: without an invitation, invite-only refuses a new provider account with a readable page; a bad link is refused at the start", () =>
  withOAuthApp(async ({ server }) => {
    const admin = await new Client(server.url).signup();
    const c = new Client(server.url);
    const { status, body } = await visit(
      c,
      await signInAtProvider(c, "/auth/oidc", { login: "stranger" }),
    );
    assertEquals(status, 403);
    assertStringIncludes(body, "Signing up needs an invitation");
    assertStringIncludes(body, 'data-error-code="invite_required"');
    assertEquals((await c.json("/api/me")).status, 401);
    const bogus = await new Client(server.url).fetch(
      "/auth/oidc?invite=not-a-real-token",
    );
    assertEquals(bogus.status, 410);
    assertStringIncludes(await bogus.text(), "not valid");
    const users = await admin.json<{ users: unknown[] }>("/api/admin/users");
    assertEquals(users.body.users.length, 1);
  }, INVITE_ONLY));
