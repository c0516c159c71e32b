/**
 * Start-up migration of the digest's former own ledger (`["digest_job", id]`,
 * states ready/handed/sent/failed) into the group-mail ledger. Run by the
 * digest planner on every pass, so jobs written by an older instance during
 * a rolling deploy move over too. Each job moves in one atomic that checks
 * and deletes the old entry, so it is moved once.
 *
 * - `ready` (never handed over): queued, sent by the group-mail sender.
 * - `handed` (may have reached the server): a record handed by a lease that
 *   ended, which the sender fails without sending (at most once).
 * - `sent` / `failed`: finished records, kept for the listing.
 * @module
 */
import { retryLocked } from "../kv.ts";
import type { DigestItem } from "./digest_items.ts";
import { addDigestJob } from "./digest_ledger.ts";
import { unsubscribeToken } from "./digest_settings.ts";
import type { LedgerRecord } from "./model.ts";

/** A job of the former digest ledger. */
export interface OldDigestJob {
  id: string;
  user: string;
  email: string;
  name?: string;
  state: "ready" | "handed" | "sent" | "failed";
  items: DigestItem[];
  createdAt: string;
  attempts: number;
  nextAt: number;
  sentAt?: string;
  error?: string;
}

/** The former ledger's key. */
export const oldJobKey = (id: string): Deno.KvKey => ["digest_job", id];

/** Moves up to `max` old digest jobs into the group-mail ledger; how many. */
export async function migrateOldDigestJobs(
  kv: Deno.Kv,
  max = 100,
): Promise<number> {
  let n = 0;
  const old = kv.list<OldDigestJob>({ prefix: ["digest_job"] }, {
    limit: max,
  });
  for await (const e of old) {
    const j = e.value;
    const created = Date.parse(j.createdAt);
    const now = Date.now();
    const base = {
      id: j.id,
      user: j.user,
      email: j.email,
      name: j.name,
      items: j.items,
      now: Number.isFinite(created) ? created : now,
      token: await unsubscribeToken(kv, j.user),
    };
    const at = new Date(now).toISOString();
    const op = kv.atomic().check(e).delete(e.key);
    if (j.state === "ready" || j.state === "handed") {
      const extra: Partial<LedgerRecord> = { attempts: j.attempts };
      if (j.state === "handed") {
        // Leased and handed by a process that is gone: due for recovery now.
        Object.assign(extra, { status: "sending", handedAt: at });
      }
      addDigestJob(op, { ...base, now }, "queued", extra);
    } else {
      const extra: Partial<LedgerRecord> = { attempts: j.attempts };
      if (j.sentAt) extra.sentAt = j.sentAt;
      if (j.error) extra.lastError = j.error;
      addDigestJob(op, base, j.state, extra);
    }
    if ((await retryLocked(() => op.commit())).ok) n++;
  }
  return n;
}
