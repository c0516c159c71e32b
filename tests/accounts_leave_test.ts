import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { Client } from "./helpers/client.ts";
import { withServer } from "./helpers/server.ts";
import { chatSocket } from "./helpers/chat_ws.ts";
import { makeGroup } from "./helpers/mail.ts";

const PW = "correct horse battery";

async function setup(s: { url: string }) {
  const other = await new Client(s.url).signup();
  const me = await new Client(s.url).signup();
  const room = await other.json<{ id: string }>("/api/rooms", {
    json: { name: "team", visibility: "public" },
  });
  await me.fetch(`/api/rooms/${room.body.id}/join`, { method: "POST" })
    .then((r) => r.body?.cancel());
  const ws = await chatSocket(me);
  await ws.sendMessage(room.body.id, "my words", "m1");
  await ws.close();
  const group = await makeGroup(me, 3, "Friends");
  const draft = await me.json<{ id: string }>("/api/campaigns", {
    json: { subject: "Draft", text: "Hi", to: { groups: [group.id] } },
  });
  assertEquals(draft.status, 201);
  return { other, me, room: room.body.id, group, campaign: draft.body.id };
}

Deno.test("leaving: the export contains profile, the messages they wrote, contacts, groups and campaigns", async () => {
  await withServer(async (s) => {
    const { me, group, campaign } = await setup(s);
    const r = await me.fetch("/api/me/export");
    assertEquals(r.status, 200);
    assertStringIncludes(
      r.headers.get("content-disposition") ?? "",
      "attachment",
    );
    const data = await r.json();
    assertEquals(data.profile.username, me.username);
    assertEquals(data.messages.map((m: { text: string }) => m.text), [
      "my words",
    ]);
    assertEquals(data.contacts.length, 3);
    assertEquals(
      data.contacts.map((c: { email: string }) => c.email).sort(),
      [...group.emails].sort(),
    );
    assertEquals(data.groups.map((g: { name: string }) => g.name), ["Friends"]);
    assertEquals(data.campaigns.map((c: { id: string }) => c.id), [campaign]);
    assertEquals((await new Client(s.url).fetch("/api/me/export")).status, 401);
  });
});

Deno.test('leaving: delete account needs the password, removes contacts, groups, campaigns and sessions, keeps messages as from "deleted user"', async () => {
  await withServer(async (s) => {
    const { other, me, room, campaign } = await setup(s);
    const second = new Client(s.url);
    await second.login(me.username!, PW);
    const wrong = await me.json("/api/me", {
      method: "DELETE",
      json: { password: "wrong one" },
    });
    assertEquals(wrong.status, 400);
    const none = await me.json("/api/me", { method: "DELETE", json: {} });
    assertEquals(none.status, 400);
    assertEquals(
      (await me.json<{ contacts: unknown[] }>("/api/contacts")).body.contacts
        .length,
      3,
    );
    const userId = (await s.kv.get<string>(["users_by_name", me.username!]))
      .value!;
    const del = await me.fetch("/api/me", {
      method: "DELETE",
      json: { password: PW },
    });
    assertEquals(del.status, 204);
    assertEquals((await me.json("/api/me")).status, 401);
    assertEquals(
      (await second.json("/api/me")).status,
      401,
      "every session ended",
    );
    for (
      const prefix of ["contact", "group", "contact_email", "contact_ix"]
    ) {
      const left = await Array.fromAsync(
        s.kv.list({ prefix: [prefix, userId] }),
      );
      assertEquals(left.length, 0, prefix);
    }
    assertEquals((await s.kv.get(["mail_campaign", campaign])).value, null);
    assertEquals(
      (await Array.fromAsync(s.kv.list({ prefix: ["account_cleanup"] })))
        .length,
      0,
      "the pending clean-up record is removed once the clean-up finished",
    );
    const hist = await other.json<{
      messages: { author: string; text: string }[];
      users: Record<string, { displayName: string }>;
    }>(`/api/rooms/${room}/messages`);
    assertEquals(hist.body.messages.map((m) => m.text), ["my words"]);
    assertEquals(hist.body.users[me.username!].displayName, "deleted user");
    assertStringIncludes(
      await (await other.fetch(`/chat/${room}`)).text(),
      "deleted user",
    );
    assertEquals((await new Client(s.url).login(me.username!, PW)).status, 400);
    // The username stays taken: nobody inherits the messages.
    const again = await new Client(s.url).fetch("/signup", {
      form: { username: me.username!, password: PW },
    });
    assertEquals(again.status, 409);
    await again.body?.cancel();
  });
});

Deno.test("leaving: an account without a password needs a sign-in within the last 10 minutes", async () => {
  const { signInWithIdentity } = await import(
    "../lib/auth/oauth/identities.ts"
  );
  const { startSession } = await import("../lib/auth/session_cookie.ts");
  await withServer(async (s) => {
    // Someone else is the workspace's admin (the last admin cannot leave).
    await new Client(s.url).signup();
    const { user } = await signInWithIdentity(s.kv, {
      provider: "github",
      subject: "5",
      preferredUsername: "oauthonly",
    });
    const cookie = await startSession(
      s.kv,
      s.config,
      new Request(s.url),
      user.id,
    );
    const c = new Client(s.url);
    const [pair] = cookie.split(";");
    c.cookies.set(
      pair.slice(0, pair.indexOf("=")),
      pair.slice(pair.indexOf("=") + 1),
    );
    // Age the session past 10 minutes.
    for await (
      const e of s.kv.list<{ createdAt: string }>({ prefix: ["sessions"] })
    ) {
      if (e.key.length !== 2) continue;
      await s.kv.set(e.key, {
        ...e.value,
        createdAt: new Date(Date.now() - 11 * 60_000).toISOString(),
      });
    }
    const old = await c.json("/api/me", { method: "DELETE", json: {} });
    assertEquals(old.status, 403);
    assertEquals(
      (old.body.error as { code: string }).code,
      "recent_sign_in_required",
    );
    const fresh = new Client(s.url);
    const cookie2 = await startSession(
      s.kv,
      s.config,
      new Request(s.url),
      user.id,
    );
    const [p2] = cookie2.split(";");
    fresh.cookies.set(
      p2.slice(0, p2.indexOf("=")),
      p2.slice(p2.indexOf("=") + 1),
    );
    const ok = await fresh.fetch("/api/me", { method: "DELETE", json: {} });
    assertEquals(ok.status, 204);
    assert(
      (await s.kv.get<{ deletedAt?: string }>(["users", user.id])).value
        ?.deletedAt,
    );
  });
});

Deno.test("workspace: every new member joins #general; the directory lists members with display names and presence; a DM starts from it", async () => {
  await withServer(async (s) => {
    const a = await new Client(s.url).signup();
    const b = await new Client(s.url).signup();
    await b.json("/api/me", {
      method: "PATCH",
      json: { displayName: "Bea Zed" },
    });
    for (const c of [a, b]) {
      const rooms = await c.json<{ rooms: { name: string }[] }>("/api/rooms");
      assertEquals(
        rooms.body.rooms.filter((r) => r.name === "general").length,
        1,
      );
    }
    const ws = await chatSocket(b);
    const dir = await a.json<
      { users: { username: string; displayName: string; online: boolean }[] }
    >(
      "/api/users?q=bea",
    );
    assertEquals(dir.body.users.map((u) => u.username), [b.username]);
    assertEquals(dir.body.users[0].displayName, "Bea Zed");
    assertEquals(dir.body.users[0].online, true);
    await ws.close();
    const byName = await a.json<{ users: { username: string }[] }>(
      `/api/users?q=${b.username!.slice(0, 4)}`,
    );
    assert(byName.body.users.some((u) => u.username === b.username));
    const page = await a.fetch("/people");
    assertStringIncludes(await page.text(), "Bea Zed");
    const dm = await a.fetch("/people", { form: { username: b.username! } });
    assertEquals(dm.status, 303);
    assert(dm.headers.get("location")!.startsWith("/chat/"));
  }, { env: { GENERAL_ROOM: "1" } });
});
