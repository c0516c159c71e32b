/**
 * Missed-mention mails in the group-mail ledger. Each digest is a system
 * mail job: a campaign owned by {@link SYSTEM_OWNER} (never listed, shown or
 * controlled as a user's campaign) with one at-most-once ledger record for
 * the user's verified address. The group-mail sender leases, sends, retries
 * and recovers it like any recipient (see `ledger.ts`, `sender.ts`).
 *
 * | key | value |
 * |---|---|
 * | `["mail_campaign", id]` etc. | the job, as every campaign (`model.ts`) |
 * | `["mail_digest_of", username, id]` | null: the user's digests |
 * | `["mail_digest", createdAtMs, id]` | username: for pruning after 30 days |
 * @module
 */
import { retryLocked } from "../kv.ts";
import type { Message } from "../chat/protocol.ts";
import type { DigestItem } from "./digest_items.ts";
import { clip } from "./digest_mail.ts";
import {
  type Campaign,
  COUNTERS,
  keys,
  type LedgerRecord,
  type RecipientStatus,
  ridOf,
  SYSTEM_OWNER,
} from "./model.ts";

/** How long finished digests stay in the ledger. */
export const KEEP_DIGESTS_MS = 30 * 24 * 3600_000;

/** A new digest job, as the planner hands it over. */
export interface DigestJobInput {
  id: string;
  user: string;
  email: string;
  name?: string;
  items: DigestItem[];
  /** Creation time (ms); due at once. */
  now: number;
  /** The user's digest unsubscribe token (RFC 8058 link). */
  token: string;
}

/**
 * The item as stored: only what the mail shows, the text already clipped,
 * so 20 items of 4,000 characters stay far below KV's 64 KiB value limit.
 */
export function storedItem(it: DigestItem): DigestItem {
  const m = it.message;
  const message: Message = {
    id: m.id,
    room: m.room,
    seq: m.seq,
    author: m.author,
    text: clip(m.text),
    createdAt: m.createdAt,
  };
  return { ...it, message };
}

/**
 * Adds a queued digest job to `op`: the system campaign (`sending`, active),
 * its one at-most-once ledger record, due now, and the digest indexes. The
 * campaign key is checked to be new.
 */
export function addDigestJob(
  op: Deno.AtomicOperation,
  j: DigestJobInput,
  status: RecipientStatus = "queued",
  extra: Partial<LedgerRecord> = {},
): Deno.AtomicOperation {
  const at = new Date(j.now).toISOString();
  const open = status === "queued" || status === "sending";
  const campaign: Campaign = {
    id: j.id,
    owner: SYSTEM_OWNER,
    subject: "",
    text: "",
    fromName: "RT Messenger",
    status: open ? "sending" : "done",
    total: 1,
    createdAt: at,
    updatedAt: at,
    startedAt: at,
    digest: { user: j.user, items: j.items.map(storedItem) },
  };
  if (!open) campaign.finishedAt = at;
  const rid = ridOf(0);
  const record: LedgerRecord = {
    rid,
    email: j.email,
    status,
    attempts: 0,
    token: j.token,
    queuedAt: at,
    updatedAt: at,
    once: true,
    ...extra,
  };
  if (j.name) record.name = j.name;
  if (open) {
    record.dueAt = j.now;
    op.set(keys.due(j.id, j.now, rid), null).set(
      keys.active(j.id),
      SYSTEM_OWNER,
    );
  } else if (status === "sent" || status === "failed") {
    op.set(keys.counter(j.id, status), new Deno.KvU64(1n));
  }
  return op
    .check({ key: keys.campaign(j.id), versionstamp: null })
    .set(keys.campaign(j.id), campaign)
    .set(keys.rcpt(j.id, rid), record)
    .set(keys.digestOf(j.user, j.id), null)
    .set(keys.digestAt(j.now, j.id), j.user);
}

/** One digest as support and tests see it. */
export interface DigestRow {
  id: string;
  /** The ledger record's status. */
  status: RecipientStatus;
  /** The job's campaign status: `sending`, then `done` (`cancelled` when turned off first). */
  jobStatus: Campaign["status"];
  email: string;
  items: DigestItem[];
  attempts: number;
  createdAt: string;
  handedAt?: string;
  sentAt?: string;
  error?: string;
}

/** Every digest of `user` in the ledger, newest first. */
export async function listDigests(
  kv: Deno.Kv,
  user: string,
): Promise<DigestRow[]> {
  const ids: string[] = [];
  for await (
    const e of kv.list({ prefix: keys.digestsOf(user) }, { reverse: true })
  ) ids.push(e.key[2] as string);
  const out: DigestRow[] = [];
  for (const id of ids) {
    const [c, r] = await kv.getMany<[Campaign, LedgerRecord]>([
      keys.campaign(id),
      keys.rcpt(id, ridOf(0)),
    ]);
    if (!c.value?.digest || !r.value) continue;
    const row: DigestRow = {
      id,
      status: r.value.status,
      jobStatus: c.value.status,
      email: r.value.email,
      items: c.value.digest.items,
      attempts: r.value.attempts,
      createdAt: c.value.createdAt,
    };
    if (r.value.handedAt) row.handedAt = r.value.handedAt;
    if (r.value.sentAt) row.sentAt = r.value.sentAt;
    if (r.value.lastError) row.error = r.value.lastError;
    out.push(row);
  }
  return out;
}

/**
 * Cancels the user's digests not sent yet (unsubscribed or turned off): no
 * new lease is taken (as for a cancelled campaign); a mail already being
 * handed to the server still finishes. Returns how many were cancelled.
 */
export async function cancelOpenDigests(
  kv: Deno.Kv,
  user: string,
): Promise<number> {
  let n = 0;
  for await (const e of kv.list({ prefix: keys.digestsOf(user) })) {
    const id = e.key[2] as string;
    for (let i = 0; i < 5; i++) {
      const c = await kv.get<Campaign>(keys.campaign(id));
      if (c.value?.status !== "sending") break;
      const at = new Date().toISOString();
      const res = await retryLocked(() =>
        kv.atomic().check(c)
          .set(keys.campaign(id), {
            ...c.value!,
            status: "cancelled",
            updatedAt: at,
            finishedAt: at,
          })
          .delete(keys.active(id)).commit()
      );
      if (res.ok) {
        n++;
        break;
      }
    }
  }
  return n;
}

/** Deletes one digest job and everything the ledger keeps for it. */
async function deleteJob(kv: Deno.Kv, id: string, user: string, at?: number) {
  const op = kv.atomic()
    .delete(keys.campaign(id))
    .delete(keys.active(id))
    .delete(keys.digestOf(user, id));
  if (at !== undefined) op.delete(keys.digestAt(at, id));
  for (const c of [...COUNTERS, "retrying" as const]) {
    op.delete(keys.counter(id, c));
  }
  for await (const e of kv.list({ prefix: keys.rcpts(id) })) op.delete(e.key);
  for await (const e of kv.list({ prefix: keys.dues(id) })) op.delete(e.key);
  await retryLocked(() => op.commit());
}

/**
 * Deletes finished digests created more than {@link KEEP_DIGESTS_MS} ago
 * (at most `max` per call). Unfinished ones stay until they finish.
 */
export async function pruneDigests(
  kv: Deno.Kv,
  now = Date.now(),
  max = 50,
): Promise<number> {
  let n = 0;
  const old = kv.list<string>({
    prefix: keys.digestsAt(),
    end: [...keys.digestsAt(), now - KEEP_DIGESTS_MS],
  }, { limit: max });
  for await (const e of old) {
    const id = e.key[2] as string;
    const c = (await kv.get<Campaign>(keys.campaign(id))).value;
    if (c && c.status === "sending") continue;
    await deleteJob(kv, id, e.value, e.key[1] as number);
    n++;
  }
  return n;
}

/** Deletes every digest of `user` (account deletion: they quote messages). */
export async function deleteDigestsOf(kv: Deno.Kv, user: string) {
  for await (const e of kv.list({ prefix: keys.digestsOf(user) })) {
    const id = e.key[2] as string;
    const c = (await kv.get<Campaign>(keys.campaign(id))).value;
    const at = c ? Date.parse(c.createdAt) : undefined;
    await deleteJob(kv, id, user, at);
  }
}
