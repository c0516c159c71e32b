/**
 * Campaign controls (pause, resume, cancel, retry failed), completion, and
 * the owner-scoped recipient listing.
 * @module
 */
import { BadRequestError, ConflictError } from "../errors.ts";
import { retryLocked } from "../kv.ts";
import { isCursorError } from "../params.ts";
import { progressOf } from "./campaign_progress.ts";
import { getCampaign } from "./campaign_reads.ts";
import { addCounter, CHECK_BATCH } from "./ledger.ts";
import {
  type Campaign,
  type CampaignProgress,
  type CampaignStatus,
  keys,
  type LedgerRecord,
  type RecipientStatus,
} from "./model.ts";

/** A control action on a campaign. */
export type Control = "pause" | "resume" | "cancel" | "retry";

const FROM: Record<Exclude<Control, "retry">, CampaignStatus[]> = {
  pause: ["sending"],
  resume: ["paused"],
  cancel: ["sending", "paused"],
};
const TO: Record<Exclude<Control, "retry">, CampaignStatus> = {
  pause: "paused",
  resume: "sending",
  cancel: "cancelled",
};

/** Applies a control; 409 `bad_state` when the status does not allow it. */
export async function controlCampaign(
  kv: Deno.Kv,
  owner: string,
  id: string,
  action: Control,
  scope: RetryScope = "transient",
): Promise<CampaignProgress> {
  if (action === "retry") return await retryFailed(kv, owner, id, scope);
  for (let i = 0; i < 10; i++) {
    const entry = await getCampaign(kv, owner, id);
    const c = entry.value;
    if (!FROM[action].includes(c.status)) {
      throw new ConflictError(
        `Cannot ${action} a campaign that is ${c.status}.`,
        "bad_state",
      );
    }
    const next: Campaign = {
      ...c,
      status: TO[action],
      updatedAt: new Date().toISOString(),
    };
    if (action === "cancel") next.finishedAt = next.updatedAt;
    const op = kv.atomic().check(entry).set(keys.campaign(id), next);
    if (action === "resume") op.set(keys.active(id), owner);
    else op.delete(keys.active(id));
    if ((await retryLocked(() => op.commit())).ok) {
      return action === "resume"
        ? await finishIfComplete(kv, id) ?? await progressOf(kv, next)
        : await progressOf(kv, next);
    }
  }
  throw new ConflictError("The campaign is busy; try again.");
}

/** Which failures `retry` queues again: transient only (default) or all. */
export type RetryScope = "transient" | "all";

/**
 * True when a failed record failed for good (a 5xx answer). Records written
 * before the flag existed count as permanent unless they gave up retrying.
 */
export function isPermanentFailure(r: LedgerRecord): boolean {
  return r.permanent ?? !/^gave up after/.test(r.lastError ?? "");
}

/**
 * Queues failed recipients again: only transient failures (4xx answers and
 * connection errors that ran out of attempts) unless `scope` is "all".
 * 409 `nothing_to_retry` when none qualify.
 */
export async function retryFailed(
  kv: Deno.Kv,
  owner: string,
  id: string,
  scope: RetryScope = "transient",
): Promise<CampaignProgress> {
  const entry = await getCampaign(kv, owner, id);
  if (!["sending", "paused", "done"].includes(entry.value.status)) {
    throw new ConflictError(
      `Cannot retry a campaign that is ${entry.value.status}.`,
      "bad_state",
    );
  }
  const failed: Deno.KvEntry<LedgerRecord>[] = [];
  for await (const e of kv.list<LedgerRecord>({ prefix: keys.rcpts(id) })) {
    if (e.value.status !== "failed") continue;
    if (scope === "all" || !isPermanentFailure(e.value)) failed.push(e);
  }
  if (!failed.length) {
    throw new ConflictError(
      scope === "all"
        ? "No failed recipients to retry."
        : "No failed recipient can be retried: every failure is permanent " +
          "(the server refused the address). Choose Retry all to try anyway.",
      "nothing_to_retry",
    );
  }
  const now = Date.now();
  const at = new Date(now).toISOString();
  for (let i = 0; i < failed.length; i += CHECK_BATCH) {
    const batch = failed.slice(i, i + CHECK_BATCH);
    const op = kv.atomic();
    for (const e of batch) {
      op.check(e);
      const next: LedgerRecord = {
        ...e.value,
        status: "queued",
        attempts: 0,
        dueAt: now,
        updatedAt: at,
      };
      delete next.permanent;
      op.set(e.key, next).set(keys.due(id, now, e.value.rid), null);
    }
    addCounter(op, keys.counter(id, "failed"), -batch.length);
    await retryLocked(() => op.commit()); // a lost check: retried elsewhere
  }
  for (let i = 0; i < 10; i++) {
    const cur = await getCampaign(kv, owner, id);
    const next: Campaign = { ...cur.value, updatedAt: at };
    const op = kv.atomic().check(cur);
    if (cur.value.status === "done") {
      next.status = "sending";
      delete next.finishedAt;
    }
    if (next.status === "sending") op.set(keys.active(id), owner);
    if (
      (await retryLocked(() => op.set(keys.campaign(id), next).commit())).ok
    ) {
      return await progressOf(kv, next);
    }
  }
  throw new ConflictError("The campaign is busy; try again.");
}

/**
 * Marks a sending campaign `done` when no recipient is pending. Returns the
 * new progress when it finished, else null.
 */
export async function finishIfComplete(
  kv: Deno.Kv,
  id: string,
): Promise<CampaignProgress | null> {
  const entry = await kv.get<Campaign>(keys.campaign(id));
  if (!entry.value || entry.value.status !== "sending") return null;
  const p = await progressOf(kv, entry.value);
  if (p.pending > 0) return null;
  const now = new Date().toISOString();
  const next: Campaign = {
    ...entry.value,
    status: "done",
    finishedAt: now,
    updatedAt: now,
  };
  const res = await retryLocked(() =>
    kv.atomic().check(entry).set(keys.campaign(id), next)
      .delete(keys.active(id)).commit()
  );
  return res.ok ? { ...p, status: "done" } : null;
}

/** Iterates a KV listing; a cursor KV refuses is a 400 `invalid_cursor`. */
async function* listing<T>(
  iter: Deno.KvListIterator<T>,
): AsyncGenerator<Deno.KvEntry<T>> {
  try {
    yield* iter;
  } catch (err) {
    if (isCursorError(err)) {
      throw new BadRequestError("The cursor is not valid.", "invalid_cursor");
    }
    throw err;
  }
}

/** One row of the recipient listing. */
export interface RecipientRow {
  email: string;
  name?: string;
  status: RecipientStatus | "draft";
  attempts?: number;
  error?: string;
  sentAt?: string;
}

const STATUSES = new Set(["queued", "sending", "sent", "failed", "suppressed"]);

/** Lists a campaign's recipients, optionally only those with `status`. */
export async function listRecipients(
  kv: Deno.Kv,
  owner: string,
  id: string,
  opts: { status?: string | null; limit?: number; cursor?: string | null } = {},
): Promise<{ recipients: RecipientRow[]; cursor: string }> {
  const entry = await getCampaign(kv, owner, id);
  const status = opts.status || undefined;
  if (status && !STATUSES.has(status)) {
    throw new BadRequestError(
      `status must be one of ${[...STATUSES].join(", ")}.`,
    );
  }
  const limit = Math.min(Math.max(opts.limit ?? 1000, 1), 5000);
  const out: RecipientRow[] = [];
  if (entry.value.status === "draft") {
    if (status) return { recipients: [], cursor: "" };
    for await (
      const c of kv.list<LedgerRecord[]>({ prefix: keys.draftChunks(id) })
    ) {
      for (const r of c.value) {
        out.push({ email: r.email, name: r.name, status: "draft" });
      }
    }
    return { recipients: out.slice(0, limit), cursor: "" };
  }
  const iter = kv.list<LedgerRecord>({ prefix: keys.rcpts(id) }, {
    cursor: opts.cursor || undefined,
    batchSize: 500,
  });
  for await (const e of listing(iter)) {
    const r = e.value;
    if (status && r.status !== status) continue;
    const row: RecipientRow = {
      email: r.email,
      status: r.status,
      attempts: r.attempts,
    };
    if (r.name) row.name = r.name;
    if (r.lastError && r.status !== "sent") row.error = r.lastError;
    if (r.sentAt) row.sentAt = r.sentAt;
    out.push(row);
    if (out.length >= limit) return { recipients: out, cursor: iter.cursor };
  }
  return { recipients: out, cursor: "" };
}
