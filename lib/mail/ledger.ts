/**
 * The per-recipient ledger: created when a campaign is sent, leased by the
 * sender loop, and updated with every outcome. The ledger is the truth a
 * restarted process continues from.
 *
 * Keys: `mail_rcpt/<campaign>/<rid>` is the record; `mail_due/<campaign>/
 * <dueAt>/<rid>` indexes records that are queued (due at `dueAt`) or being
 * sent (lease ends at `dueAt`), so an expired lease makes a record due again.
 * @module
 */
import { ConflictError } from "../errors.ts";
import { retryLocked } from "../kv.ts";
import { draftRecipients, getCampaign, progressOf } from "./campaigns.ts";
import {
  type Campaign,
  type CampaignProgress,
  keys,
  type LedgerRecord,
  ridOf,
} from "./model.ts";
import { assertQuota, quotaEntry, reserveInto } from "./quota.ts";
import {
  newUnsubToken,
  suppressedSet,
  suppressionKeyOf,
  type UnsubTarget,
} from "./unsubscribe.ts";

/** Records per atomic when the ledger is written (3 mutations each). */
const WRITE_BATCH = 300;
/** Records per lease/outcome atomic (≤ 10 checks on a remote KV). */
export const CHECK_BATCH = 10;

/** Adds `n` (may be negative) to a u64 counter (KV sums wrap around). */
export function addCounter(
  op: Deno.AtomicOperation,
  key: Deno.KvKey,
  n: number,
): Deno.AtomicOperation {
  const v = n >= 0 ? BigInt(n) : (1n << 64n) + BigInt(n);
  return op.sum(key, v);
}

/**
 * Sends a draft: writes the ledger (suppressed addresses as `suppressed`),
 * reserves the daily quota and marks the campaign `sending`, the last two
 * in one atomic commit. 429 before anything is queued when over quota.
 */
export async function startSending(
  kv: Deno.Kv,
  owner: string,
  id: string,
  quotaLimit: number,
  now: Date = new Date(),
): Promise<CampaignProgress> {
  const entry = await getCampaign(kv, owner, id);
  if (entry.value.status !== "draft") {
    throw new ConflictError(
      `The campaign is ${entry.value.status}, not a draft.`,
      "not_draft",
    );
  }
  const suppressed = await suppressedSet(kv, owner);
  const recipients = [];
  for await (const r of draftRecipients(kv, id)) recipients.push(r);
  const toSend =
    recipients.filter((r) => !suppressed.has(suppressionKeyOf(r.email))).length;
  const quota = await quotaEntry(kv, owner, now);
  assertQuota(quota.value ?? 0, toSend, quotaLimit, now);

  const at = now.toISOString();
  const due = now.getTime();
  for (let i = 0; i < recipients.length; i += WRITE_BATCH) {
    const op = kv.atomic();
    recipients.slice(i, i + WRITE_BATCH).forEach((r, j) => {
      const rid = ridOf(i + j);
      const isSuppressed = suppressed.has(suppressionKeyOf(r.email));
      const record: LedgerRecord = {
        ...r,
        rid,
        status: isSuppressed ? "suppressed" : "queued",
        attempts: 0,
        token: newUnsubToken(),
        queuedAt: at,
        updatedAt: at,
      };
      if (!isSuppressed) {
        record.dueAt = due;
        op.set(keys.due(id, due, rid), null);
      }
      op.set(keys.rcpt(id, rid), record);
      op.set(
        keys.unsub(record.token),
        {
          owner,
          campaignId: id,
          rid,
          email: r.email,
        } satisfies UnsubTarget,
      );
    });
    await retryLocked(() => op.commit());
  }
  const campaign: Campaign = {
    ...entry.value,
    status: "sending",
    startedAt: at,
    updatedAt: at,
  };
  const nSuppressed = recipients.length - toSend;
  if (toSend === 0) {
    campaign.status = "done";
    campaign.finishedAt = at;
  }
  const op = reserveInto(kv.atomic().check(entry), quota, toSend)
    .set(keys.campaign(id), campaign)
    .set(keys.counter(id, "suppressed"), new Deno.KvU64(BigInt(nSuppressed)));
  if (toSend > 0) op.set(keys.active(id), owner);
  const res = await retryLocked(() => op.commit());
  if (!res.ok) {
    // Someone else started it, or the quota moved: check again.
    const again = await quotaEntry(kv, owner, now);
    assertQuota(again.value ?? 0, toSend, quotaLimit, now);
    throw new ConflictError("The campaign changed while starting; retry.");
  }
  return await progressOf(kv, campaign);
}

/** A record leased for sending, with the versionstamp to write back against. */
export interface Leased {
  campaignId: string;
  record: LedgerRecord;
  versionstamp: string;
}

/**
 * Leases up to `max` due records of a campaign (queued, or sending with an
 * expired lease): status `sending`, attempts + 1, due again at lease end.
 * Returns [] when another process won the race.
 */
export async function leaseDue(
  kv: Deno.Kv,
  campaignId: string,
  max: number,
  leaseMs: number,
  skip: Set<string>,
  now = Date.now(),
): Promise<Leased[]> {
  // Leasing checks that the campaign is still active, so once a pause or
  // cancel has committed no new lease can: only mails already leased finish.
  const active = await kv.get(keys.active(campaignId));
  if (active.value === null) return [];
  const per = Math.min(max, CHECK_BATCH - 1);
  const rids: string[] = [];
  const iter = kv.list({
    prefix: keys.dues(campaignId),
    end: [...keys.dues(campaignId), now + 1],
  }, { limit: per + skip.size });
  for await (const e of iter) {
    const rid = e.key[3] as string;
    if (!skip.has(`${campaignId}/${rid}`)) rids.push(rid);
    if (rids.length >= per) break;
  }
  if (!rids.length) return [];
  const got = await kv.getMany<LedgerRecord[]>(
    rids.map((rid) => keys.rcpt(campaignId, rid)),
  );
  const op = kv.atomic().check(active);
  const leased: LedgerRecord[] = [];
  const until = now + leaseMs;
  const at = new Date(now).toISOString();
  for (const e of got) {
    const r = e.value;
    if (!r || (r.status !== "queued" && r.status !== "sending")) continue;
    // The index entry may be stale: another process leased (or rescheduled)
    // the record after we listed it. Only a record that is due now is ours.
    if (r.dueAt === undefined || r.dueAt > now) continue;
    op.check(e);
    if (r.dueAt !== undefined) op.delete(keys.due(campaignId, r.dueAt, r.rid));
    const next: LedgerRecord = {
      ...r,
      status: "sending",
      attempts: r.attempts + 1,
      dueAt: until,
      updatedAt: at,
    };
    op.set(keys.due(campaignId, until, r.rid), null);
    op.set(keys.rcpt(campaignId, r.rid), next);
    leased.push(next);
  }
  if (!leased.length) return [];
  const res = await retryLocked(() => op.commit());
  if (!res.ok) return [];
  return leased.map((record) => ({
    campaignId,
    record,
    versionstamp: res.versionstamp,
  }));
}

/** What happened to one leased record. */
export type Outcome =
  | { kind: "sent"; response?: string }
  | { kind: "retry"; error: string; dueAt: number }
  | { kind: "failed"; error: string };

function applyOutcome(
  op: Deno.AtomicOperation,
  l: Leased,
  outcome: Outcome,
  now: number,
): void {
  const r = l.record;
  const at = new Date(now).toISOString();
  op.check({
    key: keys.rcpt(l.campaignId, r.rid),
    versionstamp: l.versionstamp,
  });
  if (r.dueAt !== undefined) op.delete(keys.due(l.campaignId, r.dueAt, r.rid));
  const next: LedgerRecord = { ...r, updatedAt: at };
  delete next.dueAt;
  if (outcome.kind === "sent") {
    next.status = "sent";
    next.sentAt = at;
    addCounter(op, keys.counter(l.campaignId, "sent"), 1);
  } else if (outcome.kind === "failed") {
    next.status = "failed";
    next.lastError = outcome.error.slice(0, 500);
    addCounter(op, keys.counter(l.campaignId, "failed"), 1);
  } else {
    next.status = "queued";
    next.lastError = outcome.error.slice(0, 500);
    next.dueAt = outcome.dueAt;
    op.set(keys.due(l.campaignId, outcome.dueAt, r.rid), null);
  }
  op.set(keys.rcpt(l.campaignId, r.rid), next);
}

/**
 * Records outcomes, up to CHECK_BATCH per commit. A record whose lease was
 * taken over by another process is left to that process. Returns how many
 * were written.
 */
export async function recordOutcomes(
  kv: Deno.Kv,
  items: { leased: Leased; outcome: Outcome }[],
  now = Date.now(),
): Promise<number> {
  let written = 0;
  for (let i = 0; i < items.length; i += CHECK_BATCH) {
    const batch = items.slice(i, i + CHECK_BATCH);
    const op = kv.atomic();
    for (const it of batch) applyOutcome(op, it.leased, it.outcome, now);
    if ((await retryLocked(() => op.commit())).ok) {
      written += batch.length;
      continue;
    }
    for (const it of batch) {
      const one = kv.atomic();
      applyOutcome(one, it.leased, it.outcome, now);
      if ((await retryLocked(() => one.commit())).ok) written++;
    }
  }
  return written;
}

/** Gives leased but unsent records back (graceful stop): queued, due now. */
export async function releaseLeases(
  kv: Deno.Kv,
  items: Leased[],
  now = Date.now(),
): Promise<void> {
  const at = new Date(now).toISOString();
  for (let i = 0; i < items.length; i += CHECK_BATCH) {
    const op = kv.atomic();
    for (const l of items.slice(i, i + CHECK_BATCH)) {
      const r = l.record;
      op.check({
        key: keys.rcpt(l.campaignId, r.rid),
        versionstamp: l.versionstamp,
      });
      if (r.dueAt !== undefined) {
        op.delete(keys.due(l.campaignId, r.dueAt, r.rid));
      }
      op.set(keys.due(l.campaignId, now, r.rid), null);
      op.set(
        keys.rcpt(l.campaignId, r.rid),
        {
          ...r,
          status: "queued",
          attempts: Math.max(0, r.attempts - 1),
          dueAt: now,
          updatedAt: at,
        } satisfies LedgerRecord,
      );
    }
    await retryLocked(() => op.commit()); // lost checks: the lease simply runs out
  }
}
