/**
 * The "an active admin remains" rule under concurrency: the check and the
 * write are one KV atomic, so parallel demotions never leave no admin.
 */
import { assert, assertEquals } from "./helpers/assert.ts";
import { Client } from "./helpers/client.ts";
import { type TestServer, withServer } from "./helpers/server.ts";

type Reply = { status: number; body: Record<string, unknown> };

async function twoAdmins(s: TestServer): Promise<[Client, Client]> {
  const a = await new Client(s.url).signup();
  const b = await new Client(s.url).signup();
  const up = await a.json(`/api/admin/users/${b.username}`, {
    method: "PATCH",
    json: { role: "admin" },
  });
  assertEquals(up.status, 200);
  return [a, b];
}

async function activeAdmins(admin: Client[]): Promise<string[]> {
  for (const c of admin) {
    const r = await c.json<
      { users: { username: string; role: string; status: string }[] }
    >(
      "/api/admin/users",
    );
    if (r.status !== 200) continue;
    return r.body.users.filter((u) =>
      u.role === "admin" && u.status === "active"
    ).map((u) => u.username);
  }
  return [];
}

/**
 * Every refusal is a clear JSON error: 409 last_admin, 403 admin_only (no
 * longer an admin) or 401 (deactivated: signed out).
 */
function assertRefusalsAreClear(replies: Reply[]): number {
  let refused = 0;
  for (const r of replies) {
    if (r.status === 200) continue;
    refused++;
    const error = r.body.error as { code?: unknown; message?: unknown };
    assert(error && typeof error.message === "string", JSON.stringify(r));
    if (r.status === 409) assertEquals(error.code, "last_admin");
    else if (r.status === 401) assertEquals(error.code, "unauthorized");
    else {
      assertEquals(r.status, 403, JSON.stringify(r));
      assertEquals(error.code, "admin_only");
    }
  }
  return refused;
}

Deno.test("admin: two admins demoting each other with 20 parallel requests each leave exactly one admin; the refused get a 409 last_admin (or 403 once demoted) JSON error", async () => {
  for (let round = 0; round < 3; round++) {
    await withServer(async (s) => {
      const [a, b] = await twoAdmins(s);
      const patch = (actor: Client, target: Client) =>
        actor.json(`/api/admin/users/${target.username}`, {
          method: "PATCH",
          json: { role: "member" },
        }) as Promise<Reply>;
      const replies = await Promise.all(
        Array.from({ length: 20 }, () => [patch(a, b), patch(b, a)]).flat(),
      );
      const left = await activeAdmins([a, b]);
      assertEquals(left.length, 1, `round ${round}: admins left: ${left}`);
      assert(assertRefusalsAreClear(replies) > 0, "one side was refused");
    });
  }
});

Deno.test("admin: two admins demoting or deactivating themselves in parallel leave exactly one admin", async () => {
  await withServer(async (s) => {
    const [a, b] = await twoAdmins(s);
    const self = (c: Client, json: unknown) =>
      c.json(`/api/admin/users/${c.username}`, {
        method: "PATCH",
        json,
      }) as Promise<Reply>;
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => [
        self(a, i % 2 ? { role: "member" } : { active: false }),
        self(b, i % 2 ? { active: false } : { role: "member" }),
      ]).flat(),
    );
    assert(assertRefusalsAreClear(replies) > 0);
    const left = await activeAdmins([a, b]);
    assertEquals(left.length, 1, `admins left: ${left}`);
  });
});

Deno.test("admin: the last active admin cannot delete their account (409); after promoting someone they can", async () => {
  await withServer(async (s) => {
    const admin = await new Client(s.url).signup();
    const member = await new Client(s.url).signup();
    const del = () =>
      admin.json("/api/me", {
        method: "DELETE",
        json: { password: "correct horse battery" },
      });
    const refused = await del();
    assertEquals(refused.status, 409);
    assertEquals((refused.body.error as { code: string }).code, "last_admin");
    // Nothing was removed: the account still works.
    assertEquals((await admin.json("/api/me")).body.role, "admin");
    await admin.json(`/api/admin/users/${member.username}`, {
      method: "PATCH",
      json: { role: "admin" },
    });
    assertEquals((await del()).status, 204);
    assertEquals(await activeAdmins([member]), [member.username]);
  });
});

Deno.test("admin: a store whose admin set is missing or stale gets it rebuilt from the user records (start-up backfill)", async () => {
  const { ADMINS_KEY, ensureAdminSet } = await import(
    "../lib/auth/admin_set.ts"
  );
  await withServer(async (s) => {
    const a = await new Client(s.url).signup();
    const b = await new Client(s.url).signup();
    await a.json(`/api/admin/users/${b.username}`, {
      method: "PATCH",
      json: { role: "admin" },
    });
    const ids = (await s.kv.get<string[]>(ADMINS_KEY)).value!;
    assertEquals(ids.length, 2);
    for (const broken of [null, [], [ids[0]]]) {
      if (broken === null) await s.kv.delete(ADMINS_KEY);
      else await s.kv.set(ADMINS_KEY, broken);
      await ensureAdminSet(s.kv);
      assertEquals(
        [...(await s.kv.get<string[]>(ADMINS_KEY)).value!].sort(),
        [...ids].sort(),
      );
    }
    // Missing at request time: built on first use, the rule still holds.
    await s.kv.delete(ADMINS_KEY);
    const down = await a.json(`/api/admin/users/${b.username}`, {
      method: "PATCH",
      json: { role: "member" },
    });
    assertEquals(down.status, 200);
    const self = await a.json(`/api/admin/users/${a.username}`, {
      method: "PATCH",
      json: { role: "member" },
    });
    assertEquals(self.status, 409);
    assertEquals((self.body.error as { code: string }).code, "last_admin");
  });
});
