/**
 * Starting a send: one idempotent step that cannot leave stale ledger or
 * `mail_due` entries (issue 14 item 2).
 *
 * 1. Claim: an atomic write of the draft (checked against the version read)
 *    gives this attempt a fresh campaign versionstamp. A later attempt (a
 *    double click, or a retry after a crash) claims again and so fences off
 *    every earlier one: each later write of this attempt checks the claimed
 *    versionstamp and fails once another claim (or an edit) happened.
 * 2. Clean: every `mail_due` entry and every ledger record beyond the
 *    draft's size left by an earlier, interrupted attempt is deleted.
 * 3. Ledger: records are (re)written, 300 per commit, each commit fenced.
 * 4. Commit: the campaign becomes `sending` (with its `mail_active` entry)
 *    and the quota is reserved in one atomic, fenced too. Only now can the
 *    sender lease anything, so nothing is mailed before the ledger is whole.
 *    A quota counter moved by another campaign starting at the same time is
 *    re-read and the commit retried; it is not a conflict.
 * @module
 */
import { ConflictError } from "../errors.ts";
import { retryLocked } from "../kv.ts";
import { testPoint } from "../test_point.ts";
import { progressOf } from "./campaign_progress.ts";
import { getCampaign } from "./campaign_reads.ts";
import { draftRecipients } from "./campaigns.ts";
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
/** Deletions per atomic when leftovers are cleaned. */
const DELETE_BATCH = 500;

type Fence = { key: Deno.KvKey; versionstamp: string };

function notDraft(c: Campaign): ConflictError {
  return new ConflictError(
    `The campaign is ${c.status}, not a draft.`,
    "not_draft",
  );
}

/** Commits `op` fenced by the claim; 409 when another attempt took over. */
async function fenced(op: Deno.AtomicOperation, fence: Fence): Promise<void> {
  const res = await retryLocked(() => op.check(fence).commit());
  if (!res.ok) {
    throw new ConflictError(
      "The campaign is being started by another request.",
      "send_in_progress",
    );
  }
}

/** Deletes due entries and records beyond `count` left by an earlier try. */
async function cleanLeftovers(
  kv: Deno.Kv,
  id: string,
  count: number,
  fence: Fence,
): Promise<void> {
  const stale: Deno.KvKey[] = [];
  for await (const e of kv.list({ prefix: keys.dues(id) })) stale.push(e.key);
  for await (
    const e of kv.list<LedgerRecord>({
      start: keys.rcpt(id, ridOf(count)),
      end: [...keys.rcpts(id), "\uffff"],
    })
  ) {
    stale.push(e.key, keys.unsub(e.value.token));
  }
  for (let i = 0; i < stale.length; i += DELETE_BATCH) {
    const op = kv.atomic();
    for (const k of stale.slice(i, i + DELETE_BATCH)) op.delete(k);
    await fenced(op, fence);
  }
}

/**
 * Sends a draft: writes the ledger (suppressed addresses as `suppressed`),
 * reserves the daily quota and marks the campaign `sending`. 429 before
 * anything is written when over quota; 409 `not_draft` for a campaign that
 * is not a draft; 409 `send_in_progress` for the loser of two concurrent
 * starts (the winner's start is unaffected).
 */
export async function startSending(
  kv: Deno.Kv,
  owner: string,
  id: string,
  quotaLimit: number,
  now: Date = new Date(),
): Promise<CampaignProgress> {
  const entry = await getCampaign(kv, owner, id);
  if (entry.value.status !== "draft") throw notDraft(entry.value);
  const suppressed = await suppressedSet(kv, owner);
  const recipients = [];
  for await (const r of draftRecipients(kv, id)) recipients.push(r);
  const isSuppressed = recipients.map((r) =>
    suppressed.has(suppressionKeyOf(r.email))
  );
  const toSend = isSuppressed.filter((s) => !s).length;
  assertQuota(
    (await quotaEntry(kv, owner, now)).value ?? 0,
    toSend,
    quotaLimit,
    now,
  );

  const at = now.toISOString();
  const claim = await retryLocked(() =>
    kv.atomic().check(entry)
      .set(keys.campaign(id), { ...entry.value, updatedAt: at })
      .commit()
  );
  if (!claim.ok) {
    const cur = await getCampaign(kv, owner, id);
    if (cur.value.status !== "draft") throw notDraft(cur.value);
    throw new ConflictError(
      "The campaign is being started by another request.",
      "send_in_progress",
    );
  }
  const fence: Fence = {
    key: keys.campaign(id),
    versionstamp: claim.versionstamp,
  };
  await testPoint("send:claimed");
  await cleanLeftovers(kv, id, recipients.length, fence);

  const due = now.getTime();
  for (let i = 0; i < recipients.length; i += WRITE_BATCH) {
    const op = kv.atomic();
    recipients.slice(i, i + WRITE_BATCH).forEach((r, j) => {
      const rid = ridOf(i + j);
      const skip = isSuppressed[i + j];
      const record: LedgerRecord = {
        ...r,
        rid,
        status: skip ? "suppressed" : "queued",
        attempts: 0,
        token: newUnsubToken(),
        queuedAt: at,
        updatedAt: at,
      };
      if (!skip) {
        record.dueAt = due;
        op.set(keys.due(id, due, rid), null);
      }
      op.set(keys.rcpt(id, rid), record);
      const target: UnsubTarget = {
        owner,
        campaignId: id,
        rid,
        email: r.email,
      };
      op.set(keys.unsub(record.token), target);
    });
    await fenced(op, fence);
    await testPoint("send:ledger_batch");
  }
  await testPoint("send:before_commit");

  const campaign: Campaign = {
    ...entry.value,
    status: toSend === 0 ? "done" : "sending",
    startedAt: at,
    updatedAt: at,
  };
  if (toSend === 0) campaign.finishedAt = at;
  for (let i = 0; i < 20; i++) {
    const quota = await quotaEntry(kv, owner, now);
    assertQuota(quota.value ?? 0, toSend, quotaLimit, now);
    const op = reserveInto(kv.atomic().check(fence), quota, toSend)
      .set(keys.campaign(id), campaign)
      .set(
        keys.counter(id, "suppressed"),
        new Deno.KvU64(BigInt(recipients.length - toSend)),
      );
    if (toSend > 0) op.set(keys.active(id), owner);
    if ((await retryLocked(() => op.commit())).ok) {
      await testPoint("send:committed");
      return await progressOf(kv, campaign);
    }
    const cur = await kv.get(fence.key);
    if (cur.versionstamp !== fence.versionstamp) {
      // Another attempt (or an edit) took over: this one did nothing.
      const c = await getCampaign(kv, owner, id);
      if (c.value.status !== "draft") throw notDraft(c.value);
      await fenced(kv.atomic(), fence); // throws send_in_progress
    }
    // Only the quota counter moved (another campaign started): retry.
  }
  throw new ConflictError("The quota is busy; try again.", "busy");
}
