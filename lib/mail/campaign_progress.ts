/**
 * A campaign's progress counts (sent, failed, suppressed, pending) from its
 * counters, with the retry state while it sends.
 * @module
 */
import {
  type Campaign,
  type CampaignProgress,
  COUNTERS,
  keys,
  type LedgerRecord,
} from "./model.ts";

/** Counts for a campaign (sent/failed/suppressed from counters). */
export async function progressOf(
  kv: Deno.Kv,
  campaign: Campaign,
): Promise<CampaignProgress> {
  const got = await kv.getMany<Deno.KvU64[]>([
    ...COUNTERS.map((c) => keys.counter(campaign.id, c)),
    keys.counter(campaign.id, "retrying"),
  ]);
  const [sent, failed, suppressed, retrying] = got.map((e) =>
    Number(e.value?.value ?? 0n)
  );
  const p: CampaignProgress = {
    id: campaign.id,
    status: campaign.status,
    total: campaign.total,
    sent,
    failed,
    suppressed,
    pending: Math.max(0, campaign.total - sent - failed - suppressed),
  };
  // The counter wraps below zero only through a bug; never show that.
  if (
    (p.status === "sending" || p.status === "paused") && retrying > 0 &&
    retrying < 2 ** 53
  ) {
    p.retrying = retrying;
    const next = await nextRetryAt(kv, campaign.id);
    if (next) p.nextRetryAt = next;
  }
  return p;
}

/** When the earliest recipient waiting for a retry is due (first 30 looked at). */
async function nextRetryAt(kv: Deno.Kv, id: string): Promise<string | null> {
  const rids: string[] = [];
  for await (const e of kv.list({ prefix: keys.dues(id) }, { limit: 30 })) {
    rids.push(e.key[3] as string);
  }
  let min = Infinity;
  for (let i = 0; i < rids.length; i += 10) {
    const got = await kv.getMany<LedgerRecord[]>(
      rids.slice(i, i + 10).map((rid) => keys.rcpt(id, rid)),
    );
    for (const e of got) {
      if (e.value?.waiting && e.value.dueAt !== undefined) {
        min = Math.min(min, e.value.dueAt);
      }
    }
  }
  return Number.isFinite(min) ? new Date(min).toISOString() : null;
}
