/**
 * The clean-up after an account deletion, made to always complete. The
 * tombstone atomic also writes `["account_cleanup", userId]`
 * ({@link PendingCleanup}); {@link runAccountCleanup} then removes, in this
 * order, the sessions (first, so nobody stays signed in), linked provider
 * identities, campaigns with their recipients and queues, digests, and the
 * address book, and deletes the pending record last. Every step is a
 * delete, so running it twice (or in two processes at once) is harmless;
 * {@link resumeAccountCleanups} runs at start-up and finishes whatever a
 * killed process left (one list call when nothing is pending).
 * @module
 */
import { retryLocked } from "../kv.ts";
import type { EventBus } from "../events.ts";
import { deleteDigestsOf } from "../mail/digest_ledger.ts";
import { testPoint } from "../test_point.ts";
import { endSessions } from "./user_sessions.ts";

/** What a pending clean-up needs; stored under {@link cleanupKey}. */
export interface PendingCleanup {
  userId: string;
  username: string;
  deletedAt: string;
}

/** The pending-clean-up record of a deleted account. */
export const cleanupKey = (userId: string): Deno.KvKey => [
  "account_cleanup",
  userId,
];

/** Address-book keys owned by a user id (see lib/contacts/keys.ts). */
const CONTACT_PREFIXES = [
  "contact",
  "contact_email",
  "contact_namekey",
  "contact_sorted",
  "contact_group",
  "contact_search",
  "contact_ix",
  "contact_ixv",
  "contacts_rev",
  "group",
  "group_name",
];
/** Mail keys owned by a username (see lib/mail/model.ts). */
const MAIL_OWNER_PREFIXES = [
  "mail_user_campaign",
  "mail_suppressed",
  "mail_quota",
  "mail_outbox",
];
/** Mail keys of one campaign id. */
const CAMPAIGN_PREFIXES = [
  "mail_campaign",
  "mail_draft",
  "mail_count",
  "mail_rcpt",
  "mail_due",
  "mail_active",
];

/** The ids of the campaigns `username` owns. */
export async function campaignIds(
  kv: Deno.Kv,
  username: string,
): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of kv.list({ prefix: ["mail_user_campaign", username] })) {
    ids.push(String(e.key[2]));
  }
  return ids;
}

/** Deletes each key itself and every key below it. */
async function deletePrefixes(kv: Deno.Kv, prefixes: Deno.KvKey[]) {
  for (const prefix of prefixes) {
    await kv.delete(prefix);
    let op = kv.atomic();
    let n = 0;
    for await (const e of kv.list({ prefix })) {
      op.delete(e.key);
      if (++n % 500 === 0) {
        await op.commit();
        op = kv.atomic();
      }
    }
    await op.commit();
  }
}

/** Linked provider identities: the primary records, then the index. */
async function deleteIdentities(kv: Deno.Kv, userId: string) {
  for await (
    const e of kv.list<{ userId: string }>({ prefix: ["user_identities"] })
  ) {
    if (e.value?.userId === userId) await kv.delete(e.key);
  }
  await deletePrefixes(kv, [["user_identities_by_user", userId]]);
}

/**
 * Campaigns: all stop sending first; then each campaign's keys go before
 * its entry in the owner's list, so an interrupted run still finds it.
 */
async function deleteCampaigns(kv: Deno.Kv, username: string) {
  const ids = await campaignIds(kv, username);
  for (const id of ids) await kv.delete(["mail_active", id]);
  for (const id of ids) {
    await deletePrefixes(kv, CAMPAIGN_PREFIXES.map((p) => [p, id]));
    await kv.delete(["mail_user_campaign", username, id]);
  }
}

/** Runs (or resumes) one deleted account's clean-up to the end. */
export async function runAccountCleanup(
  kv: Deno.Kv,
  bus: EventBus,
  pending: PendingCleanup,
): Promise<void> {
  const { userId, username } = pending;
  await endSessions(kv, bus, { id: userId, username }, "all");
  await testPoint("leave:cleanup");
  await deleteIdentities(kv, userId);
  await deleteCampaigns(kv, username);
  await deleteDigestsOf(kv, username);
  await deletePrefixes(kv, [
    ...CONTACT_PREFIXES.map((p) => [p, userId]),
    ...MAIL_OWNER_PREFIXES.map((p) => [p, username]),
  ]);
  await kv.delete(cleanupKey(userId));
}

/**
 * Start-up: finishes every clean-up a stopped process left pending; returns
 * how many ran. One that fails is logged and left for the next start.
 */
export async function resumeAccountCleanups(
  kv: Deno.Kv,
  bus: EventBus,
): Promise<number> {
  // Instances starting at once on one KV file may meet "database is
  // locked"; every step is a delete, so it runs again.
  const pending = await retryLocked(async () => {
    const found: PendingCleanup[] = [];
    for await (
      const e of kv.list<PendingCleanup>({ prefix: ["account_cleanup"] })
    ) found.push(e.value);
    return found;
  });
  for (const p of pending) {
    try {
      await retryLocked(() => runAccountCleanup(kv, bus, p));
    } catch (err) {
      console.error(`account clean-up of ${p.userId} failed:`, err);
    }
  }
  return pending.length;
}
