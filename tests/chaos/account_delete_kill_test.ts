/**
 * Chaos: SIGKILL the real server (a `deno run main.ts` subprocess) in the
 * middle of an account deletion, restart it on the same KV file: the
 * restarted app finishes the clean-up (contacts, groups, campaigns, linked
 * identity, sessions), the tombstone and the username stay, and another
 * member's data is untouched.
 * @module
 */
import { assert, assertEquals } from "../helpers/assert.ts";
import { Client } from "../helpers/client.ts";
import { makeGroup } from "../helpers/mail.ts";
import { type AppProcess, spawnApp } from "../helpers/process.ts";
import { linkIdentity } from "../../lib/auth/oauth/identities.ts";
import type { User } from "../../lib/auth/users.ts";
import { retryLocked } from "../../lib/kv.ts";

const PW = "correct horse battery";
const POINT = "leave:cleanup";

/** Runs `fn` on the app's KV file opened by the test itself. */
async function withKv<T>(path: string, fn: (kv: Deno.Kv) => Promise<T>) {
  const kv = await Deno.openKv(path);
  try {
    return await retryLocked(() => fn(kv));
  } finally {
    kv.close();
  }
}

async function count(kv: Deno.Kv, prefix: Deno.KvKey): Promise<number> {
  let n = 0;
  for await (const _ of kv.list({ prefix })) n++;
  return n;
}

/** What the deletion promises to remove, counted per key prefix. */
async function owned(
  kv: Deno.Kv,
  ids: { userId: string; username: string; campaign: string },
): Promise<Record<string, number>> {
  return {
    contacts: await count(kv, ["contact", ids.userId]),
    groups: await count(kv, ["group", ids.userId]),
    contactIndexes: await count(kv, ["contact_ix", ids.userId]) +
      await count(kv, ["contact_email", ids.userId]),
    campaignIndex: await count(kv, ["mail_user_campaign", ids.username]),
    campaign: (await kv.get(["mail_campaign", ids.campaign])).value ? 1 : 0,
    campaignRecipients: await count(kv, ["mail_rcpt", ids.campaign]),
    sessions: await count(kv, ["sessions_by_user", ids.userId]),
    identityIndex: await count(kv, ["user_identities_by_user", ids.userId]),
    identity: (await kv.get(["user_identities", "github", "4242"])).value
      ? 1
      : 0,
  };
}

async function until(pred: () => boolean, what: string, app: AppProcess) {
  for (let i = 0; i < 3000; i++) {
    if (pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what}:\n${app.stderr()}`);
}

Deno.test("chaos: SIGKILL in the middle of deleting an account, restart: the clean-up is finished (contacts, groups, campaigns, linked identity, sessions gone), tombstone and username stay, other members untouched", async () => {
  const dir = await Deno.makeTempDir({ prefix: "rt_leave_chaos_" });
  const kvPath = `${dir}/leave.kv`;
  let app = await spawnApp({
    KV_PATH: kvPath,
    RT_TEST_HOOKS: "1",
    RT_TEST_PAUSE_AT: POINT,
  });
  try {
    const other = await new Client(app.url).signup();
    const otherGroup = await makeGroup(other, 2, "Theirs");
    const me = await new Client(app.url).signup();
    const group = await makeGroup(me, 3, "Mine");
    const draft = await me.json<{ id: string }>("/api/campaigns", {
      json: { subject: "Draft", text: "Hi", to: { groups: [group.id] } },
    });
    assertEquals(draft.status, 201);
    const second = new Client(app.url);
    assertEquals((await second.login(me.username!, PW)).status, 303);
    const username = me.username!;
    const userId = await withKv(
      kvPath,
      async (kv) => (await kv.get<string>(["users_by_name", username])).value!,
    );
    const otherId = await withKv(
      kvPath,
      async (kv) =>
        (await kv.get<string>(["users_by_name", other.username!])).value!,
    );
    await withKv(
      kvPath,
      (kv) => linkIdentity(kv, userId, { provider: "github", subject: "4242" }),
    );
    const ids = { userId, username, campaign: draft.body.id };
    const before = await withKv(kvPath, (kv) => owned(kv, ids));
    assertEquals(before, {
      contacts: 3,
      groups: 1,
      contactIndexes: before.contactIndexes,
      campaignIndex: 1,
      campaign: 1,
      campaignRecipients: before.campaignRecipients,
      sessions: 2,
      identityIndex: 1,
      identity: 1,
    });
    assert(before.contactIndexes > 0);

    // The deletion stops at the test point; there the process is killed.
    const deleting = me.fetch("/api/me", {
      method: "DELETE",
      json: { password: PW },
    }).then((r) => r.body?.cancel(), () => "connection lost");
    await until(
      () => app.stderr().includes(`test point reached: ${POINT}`),
      "the deletion to reach its test point",
      app,
    );
    Deno.kill(app.pid, "SIGKILL");
    await app.stop();
    assertEquals(await deleting, "connection lost");

    const atKill = await withKv(kvPath, async (kv) => ({
      owned: await owned(kv, ids),
      user: (await kv.get<User>(["users", userId])).value,
    }));
    assert(atKill.user?.deletedAt, "the tombstone was written");
    assertEquals(atKill.owned.sessions, 0, "sessions end first");
    assertEquals(
      atKill.owned.contacts,
      3,
      "killed before the address book was removed",
    );

    app = await spawnApp({ KV_PATH: kvPath });
    const after = await withKv(kvPath, async (kv) => ({
      owned: await owned(kv, ids),
      user: (await kv.get<User>(["users", userId])).value,
      name: (await kv.get<string>(["users_by_name", username])).value,
      otherContacts: await count(kv, ["contact", otherId]),
      otherGroups: await count(kv, ["group", otherId]),
      pending: await count(kv, ["account_cleanup"]),
    }));
    assertEquals(after.owned, {
      contacts: 0,
      groups: 0,
      contactIndexes: 0,
      campaignIndex: 0,
      campaign: 0,
      campaignRecipients: 0,
      sessions: 0,
      identityIndex: 0,
      identity: 0,
    });
    assert(after.user?.deletedAt, "the tombstone stays");
    assertEquals(after.user?.username, username);
    assertEquals(after.name, userId, "the username stays reserved");
    assertEquals(after.otherContacts, otherGroup.emails.length);
    assertEquals(after.otherGroups, 1);
    assertEquals(after.pending, 0, "nothing left pending");
    // The old cookies stay dead, the password no longer signs in, the
    // username cannot be taken again.
    assertEquals((await new Client(app.url).login(username, PW)).status, 400);
    const stale = new Client(app.url);
    for (const [k, v] of second.cookies) stale.cookies.set(k, v);
    assertEquals((await stale.json("/api/me")).status, 401);
    const again = await new Client(app.url).fetch("/signup", {
      form: { username, password: PW },
    });
    assertEquals(again.status, 409);
    await again.body?.cancel();
    // The other member still works with their book.
    const theirs = await new Client(app.url).login(other.username!, PW);
    assertEquals(theirs.status, 303);
  } finally {
    await app.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
