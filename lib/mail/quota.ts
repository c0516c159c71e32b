/**
 * Daily recipient quota per user (UTC days). Checked before anything is
 * queued; reserved in the same atomic commit that starts a campaign.
 * @module
 */
import { TooManyRequestsError } from "../errors.ts";
import { retryLocked } from "../kv.ts";
import { keys } from "./model.ts";

/** The UTC day a quota counter belongs to, `YYYY-MM-DD`. */
export function dayOf(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

function secondsToMidnight(now: Date): number {
  const next = Date.UTC(
    now.getUTCFullYear(),
    now.getUTCMonth(),
    now.getUTCDate() + 1,
  );
  return Math.ceil((next - now.getTime()) / 1000);
}

/** The quota counter entry for `owner` today. */
export async function quotaEntry(
  kv: Deno.Kv,
  owner: string,
  now: Date = new Date(),
): Promise<Deno.KvEntryMaybe<number>> {
  return await kv.get<number>(keys.quota(owner, dayOf(now)));
}

/** Throws 429 `quota_exceeded` unless `used + n <= limit`. */
export function assertQuota(
  used: number,
  n: number,
  limit: number,
  now: Date = new Date(),
): void {
  if (used + n > limit) {
    throw new TooManyRequestsError(
      `Daily recipient quota exceeded: ${used} of ${limit} used today, ` +
        `this needs ${n} more.`,
      secondsToMidnight(now),
      "quota_exceeded",
    );
  }
}

/** Adds a quota check and reservation of `n` to an atomic operation. */
export function reserveInto(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntryMaybe<number>,
  n: number,
): Deno.AtomicOperation {
  return op.check(entry).set(entry.key, (entry.value ?? 0) + n, {
    expireIn: 2 * 86400_000,
  });
}

/** Reserves `n` recipients of today's quota on its own (test sends). */
export async function reserveQuota(
  kv: Deno.Kv,
  owner: string,
  n: number,
  limit: number,
  now: Date = new Date(),
): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const entry = await quotaEntry(kv, owner, now);
    assertQuota(entry.value ?? 0, n, limit, now);
    const res = await retryLocked(() =>
      reserveInto(kv.atomic(), entry, n).commit()
    );
    if (res.ok) return;
  }
  throw new TooManyRequestsError("Quota is busy; try again.");
}
