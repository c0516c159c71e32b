import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./helpers/assert.ts";
import { Client } from "./helpers/client.ts";
import { withServer } from "./helpers/server.ts";
import { chatSocket } from "./helpers/chat_ws.ts";

const PW = "correct horse battery";

Deno.test("admin: members get 403 on /admin and the admin API; admins see role, status and last seen", async () => {
  await withServer(async (s) => {
    const admin = await new Client(s.url).signup();
    const member = await new Client(s.url).signup();
    assertEquals((await member.fetch("/admin")).status, 403);
    assertEquals((await member.json("/api/admin/users")).status, 403);
    const patch = await member.json(`/api/admin/users/${admin.username}`, {
      method: "PATCH",
      json: { role: "member" },
    });
    assertEquals(patch.status, 403);
    const anon = await new Client(s.url).json("/api/admin/users");
    assertEquals(anon.status, 401);
    const list = await admin.json<{ users: Record<string, unknown>[] }>(
      "/api/admin/users",
    );
    assertEquals(list.status, 200);
    const row = list.body.users.find((u) => u.username === member.username)!;
    assertEquals(row.role, "member");
    assertEquals(row.status, "active");
    assert("lastSeenAt" in row);
    const page = await admin.fetch("/admin");
    assertEquals(page.status, 200);
    assertStringIncludes(await page.text(), member.username!);
  });
});

Deno.test("admin: promote and demote; bad input is 400, unknown member 404", async () => {
  await withServer(async (s) => {
    const admin = await new Client(s.url).signup();
    const member = await new Client(s.url).signup();
    const up = await admin.json(`/api/admin/users/${member.username}`, {
      method: "PATCH",
      json: { role: "admin" },
    });
    assertEquals(up.status, 200);
    assertEquals(up.body.role, "admin");
    assertEquals((await member.json("/api/admin/users")).status, 200);
    const down = await member.json(`/api/admin/users/${member.username}`, {
      method: "PATCH",
      json: { role: "member" },
    });
    assertEquals(down.status, 200, "not the last admin: may demote themselves");
    assertEquals((await member.json("/api/admin/users")).status, 403);
    for (const body of [{ role: "owner" }, { active: "no" }, { name: "x" }]) {
      const r = await admin.json(`/api/admin/users/${member.username}`, {
        method: "PATCH",
        json: body,
      });
      assertEquals(r.status, 400, JSON.stringify(body));
    }
    const missing = await admin.json("/api/admin/users/nobody-here", {
      method: "PATCH",
      json: { role: "admin" },
    });
    assertEquals(missing.status, 404);
  });
});

Deno.test("admin: the last admin cannot demote or deactivate themselves", async () => {
  await withServer(async (s) => {
    const admin = await new Client(s.url).signup();
    for (const body of [{ role: "member" }, { active: false }]) {
      const r = await admin.json(`/api/admin/users/${admin.username}`, {
        method: "PATCH",
        json: body,
      });
      assertEquals(r.status, 409, JSON.stringify(body));
      assertEquals((r.body.error as { code: string }).code, "last_admin");
    }
    assertEquals((await admin.json("/api/me")).body.role, "admin");
  });
});

Deno.test("admin: deactivation closes a live socket within a second, ends the cookie, blocks login; messages stay, shown as deactivated; reactivation lets them in again", async () => {
  await withServer(async (s) => {
    const admin = await new Client(s.url).signup();
    const bob = await new Client(s.url).signup();
    const room = await admin.json<{ id: string }>("/api/rooms", {
      json: { name: "team", visibility: "public" },
    });
    await bob.fetch(`/api/rooms/${room.body.id}/join`, { method: "POST" })
      .then((r) => r.body?.cancel());
    const ws = await chatSocket(bob);
    await ws.sendMessage(room.body.id, "hi from bob", "b1");
    const started = performance.now();
    const r = await admin.json(`/api/admin/users/${bob.username}`, {
      method: "PATCH",
      json: { active: false },
    });
    assertEquals(r.status, 200);
    assertEquals(r.body.status, "deactivated");
    const closed = await Promise.race([
      ws.closed,
      new Promise<null>((res) => setTimeout(() => res(null), 1000)),
    ]);
    assert(
      closed,
      `socket still open ${performance.now() - started} ms after deactivation`,
    );
    assertEquals(closed.code, 4001);
    assertEquals((await bob.json("/api/me")).status, 401, "old cookie");
    const login = await new Client(s.url).fetch("/login", {
      form: { username: bob.username!, password: PW },
    });
    assertEquals(login.status, 403);
    assertStringIncludes(await login.text(), "deactivated");
    const hist = await admin.json<{
      messages: { author: string; text: string }[];
      users: Record<string, { status: string }>;
    }>(`/api/rooms/${room.body.id}/messages`);
    assertEquals(hist.body.messages.map((m) => m.text), ["hi from bob"]);
    assertEquals(hist.body.users[bob.username!].status, "deactivated");
    assertStringIncludes(
      await (await admin.fetch(`/chat/${room.body.id}`)).text(),
      "(deactivated)",
    );
    const back = await admin.json(`/api/admin/users/${bob.username}`, {
      method: "PATCH",
      json: { active: true },
    });
    assertEquals(back.body.status, "active");
    assertEquals(
      (await new Client(s.url).login(bob.username!, PW)).status,
      303,
    );
  });
});

Deno.test("admin: a deactivated user's OAuth sign-in is refused", async () => {
  const { applyAuthorization } = await import("../lib/auth/oauth/sign_in.ts");
  const { signInWithIdentity } = await import(
    "../lib/auth/oauth/identities.ts"
  );
  await withServer(async (s) => {
    const admin = await new Client(s.url).signup();
    const identity = {
      provider: "github" as const,
      subject: "9",
      preferredUsername: "gone",
    };
    const { user } = await signInWithIdentity(s.kv, identity);
    await admin.json(`/api/admin/users/${user.username}`, {
      method: "PATCH",
      json: { active: false },
    });
    let code = "";
    try {
      await applyAuthorization(
        s.kv,
        { id: "github", label: "GitHub" } as never,
        { identity, returnTo: "/" },
        undefined,
      );
    } catch (err) {
      code = (err as { code: string }).code;
    }
    assertEquals(code, "account_deactivated");
  });
});
