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
import { retryLocked } from "../kv.ts";
import { keys, type LedgerRecord } from "./model.ts";

export { startSending } from "./start_sending.ts";

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
  const listed: { rid: string; at: number; key: Deno.KvKey }[] = [];
  const iter = kv.list({
    prefix: keys.dues(campaignId),
    end: [...keys.dues(campaignId), now + 1],
  }, { limit: per + skip.size });
  for await (const e of iter) {
    const rid = e.key[3] as string;
    if (!skip.has(`${campaignId}/${rid}`)) {
      listed.push({ rid, at: e.key[2] as number, key: e.key });
    }
    if (listed.length >= per) break;
  }
  if (!listed.length) return [];
  const got = await kv.getMany<LedgerRecord[]>(
    listed.map((l) => keys.rcpt(campaignId, l.rid)),
  );
  const op = kv.atomic().check(active);
  const leased: LedgerRecord[] = [];
  const stale = kv.atomic();
  let nStale = 0;
  const until = now + leaseMs;
  const at = new Date(now).toISOString();
  const taken = new Set<string>();
  got.forEach((e, i) => {
    const r = e.value;
    // An index entry that no longer matches its record (the record moved on,
    // finished, or is gone) would block this campaign's window for good if
    // it were only skipped: delete it (issue 14 item 2).
    if (
      !r || (r.status !== "queued" && r.status !== "sending") ||
      r.dueAt !== listed[i].at
    ) {
      stale.check(e).delete(listed[i].key);
      nStale++;
      return;
    }
    if (taken.has(r.rid)) return;
    taken.add(r.rid);
    op.check(e);
    op.delete(keys.due(campaignId, r.dueAt, r.rid));
    const next: LedgerRecord = {
      ...r,
      status: "sending",
      attempts: r.attempts + 1,
      dueAt: until,
      updatedAt: at,
    };
    if (r.waiting) {
      delete next.waiting;
      addCounter(op, keys.counter(campaignId, "retrying"), -1);
    }
    op.set(keys.due(campaignId, until, r.rid), null);
    op.set(keys.rcpt(campaignId, r.rid), next);
    leased.push(next);
  });
  if (nStale) await retryLocked(() => stale.commit());
  if (!leased.length) {
    // Only stale entries were in the window: look past them at once.
    return nStale
      ? await leaseDue(kv, campaignId, max, leaseMs, skip, now)
      : [];
  }
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
  | { kind: "failed"; error: string; permanent?: boolean };

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
    if (outcome.permanent) next.permanent = true;
    addCounter(op, keys.counter(l.campaignId, "failed"), 1);
  } else {
    next.status = "queued";
    // Refused before acceptance: the next attempt may be handed over again.
    delete next.handedAt;
    next.lastError = outcome.error.slice(0, 500);
    next.dueAt = outcome.dueAt;
    next.waiting = true;
    addCounter(op, keys.counter(l.campaignId, "retrying"), 1);
    op.set(keys.due(l.campaignId, outcome.dueAt, r.rid), null);
  }
  op.set(keys.rcpt(l.campaignId, r.rid), next);
}

/**
 * For an at-most-once record (`once`): notes in the ledger that this attempt
 * is being handed to the transport, right before the call. Returns the lease
 * to continue with (its new versionstamp), or null when another process took
 * the record over meanwhile (then nothing is sent here).
 */
export async function markHanded(
  kv: Deno.Kv,
  l: Leased,
  now = Date.now(),
): Promise<Leased | null> {
  const record: LedgerRecord = {
    ...l.record,
    handedAt: new Date(now).toISOString(),
  };
  const key = keys.rcpt(l.campaignId, record.rid);
  const res = await retryLocked(() =>
    kv.atomic().check({ key, versionstamp: l.versionstamp }).set(key, record)
      .commit()
  );
  return res.ok ? { ...l, record, versionstamp: res.versionstamp } : null;
}

/** The outcome of an at-most-once record found handed by an earlier lease. */
export const INTERRUPTED =
  "interrupted while being sent (the process stopped); not sent again, " +
  "so it is never delivered twice";

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
