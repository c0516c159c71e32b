/**
 * Group mail records and their KV keys (one place for every key shape).
 * @module
 */

import type { DigestItem } from "./digest_items.ts";

/**
 * Owner of the app's own mail jobs (missed-mention digests). Not a valid
 * username (usernames are `a-z 0-9 _ . -`), so no user ever sees, lists,
 * controls or pays quota for them.
 */
export const SYSTEM_OWNER = "@system";

/** Campaign statuses (DESIGN §9). */
export type CampaignStatus =
  | "draft"
  | "sending"
  | "paused"
  | "done"
  | "cancelled";

/** Per-recipient ledger statuses. */
export type RecipientStatus =
  | "queued"
  | "sending"
  | "sent"
  | "failed"
  | "suppressed";

/** A recipient as expanded at draft time. */
export interface RecipientInput {
  email: string;
  firstName?: string;
  lastName?: string;
  name?: string;
  /** Contact id, when the recipient came from the address book. */
  contactId?: string;
}

/** The acting user, as the mail code needs it. */
export interface MailUser {
  /** The account id: it owns the user's contacts and groups. */
  id: string;
  /** Owns the user's campaigns, outbox and suppression list. */
  username: string;
  /** Display name for `From`; the username when unset. */
  name?: string;
  /** Used as `Reply-To` and as the default test-send address. */
  email?: string;
}

/** A campaign (primary record). Bodies are capped so it stays < 64 KiB. */
export interface Campaign {
  id: string;
  owner: string;
  subject: string;
  text: string;
  /** Sanitised HTML body, if any. */
  html?: string;
  fromName: string;
  replyTo?: string;
  status: CampaignStatus;
  total: number;
  createdAt: string;
  updatedAt: string;
  startedAt?: string;
  finishedAt?: string;
  /**
   * Set on a system job that is one missed-mention mail (owner
   * {@link SYSTEM_OWNER}): whose it is and what it lists (texts clipped).
   * The mail is rendered from this at send time instead of the templates.
   */
  digest?: { user: string; items: DigestItem[] };
}

/** One ledger record: a recipient of a campaign that is being sent. */
export interface LedgerRecord extends RecipientInput {
  /** Zero-padded position in the campaign, the record's key. */
  rid: string;
  status: RecipientStatus;
  attempts: number;
  lastError?: string;
  /** Unsubscribe token for this recipient. */
  token: string;
  queuedAt: string;
  updatedAt: string;
  sentAt?: string;
  /** When the record is next due (queued) or its lease ends (sending). */
  dueAt?: number;
  /** Set while the record waits for a retry after a transient failure. */
  waiting?: boolean;
  /** True when it failed for good on a permanent (5xx) answer. */
  permanent?: boolean;
  /**
   * At most once (system mail such as digests): the record is marked
   * `handedAt` in the ledger before the transport is called, and a record
   * found handed after its lease ran out (the process died mid-send) is
   * failed instead of sent again.
   */
  once?: boolean;
  /** When the current attempt was handed to the transport (`once` records). */
  handedAt?: string;
}

/** Campaign progress as shown to the user and published live. */
export interface CampaignProgress {
  id: string;
  status: CampaignStatus;
  total: number;
  sent: number;
  failed: number;
  suppressed: number;
  pending: number;
  /** Recipients waiting for a retry after a transient failure. */
  retrying?: number;
  /** When the next of them is due (ISO 8601), while `retrying` > 0. */
  nextRetryAt?: string;
}

/** Terminal counters kept per campaign. */
export const COUNTERS = ["sent", "failed", "suppressed"] as const;

/** KV key builders. */
export const keys = {
  campaign: (id: string): Deno.KvKey => ["mail_campaign", id],
  userCampaign: (owner: string, id: string): Deno.KvKey => [
    "mail_user_campaign",
    owner,
    id,
  ],
  userCampaigns: (owner: string): Deno.KvKey => ["mail_user_campaign", owner],
  draftChunk: (id: string, n: number): Deno.KvKey => ["mail_draft", id, n],
  draftChunks: (id: string): Deno.KvKey => ["mail_draft", id],
  counter: (
    id: string,
    name: typeof COUNTERS[number] | "retrying",
  ): Deno.KvKey => [
    "mail_count",
    id,
    name,
  ],
  rcpt: (id: string, rid: string): Deno.KvKey => ["mail_rcpt", id, rid],
  rcpts: (id: string): Deno.KvKey => ["mail_rcpt", id],
  due: (id: string, at: number, rid: string): Deno.KvKey => [
    "mail_due",
    id,
    at,
    rid,
  ],
  dues: (id: string): Deno.KvKey => ["mail_due", id],
  active: (id: string): Deno.KvKey => ["mail_active", id],
  actives: (): Deno.KvKey => ["mail_active"],
  unsub: (token: string): Deno.KvKey => ["mail_unsub", token],
  suppressed: (owner: string, email: string): Deno.KvKey => [
    "mail_suppressed",
    owner,
    email,
  ],
  suppressions: (owner: string): Deno.KvKey => ["mail_suppressed", owner],
  quota: (owner: string, day: string): Deno.KvKey => ["mail_quota", owner, day],
  outbox: (owner: string, id: string): Deno.KvKey => [
    "mail_outbox",
    owner,
    id,
  ],
  outboxes: (owner: string): Deno.KvKey => ["mail_outbox", owner],
  /** A user's digests (system jobs), by job id. */
  digestOf: (user: string, id: string): Deno.KvKey => [
    "mail_digest_of",
    user,
    id,
  ],
  digestsOf: (user: string): Deno.KvKey => ["mail_digest_of", user],
  /** Every digest by creation time (ms), for pruning; value: the user. */
  digestAt: (at: number, id: string): Deno.KvKey => ["mail_digest", at, id],
  digestsAt: (): Deno.KvKey => ["mail_digest"],
};

/** Position → record id ("000042"). */
export function ridOf(n: number): string {
  return String(n).padStart(6, "0");
}

/** The sender of group mail, for a signed-in account. */
export function mailUserOf(
  user: {
    id: string;
    username: string;
    displayName?: string;
    email?: string;
    emailVerified?: boolean;
  },
): MailUser {
  const u: MailUser = { id: user.id, username: user.username };
  // The account's display name gives From and the test mail's own values;
  // only a verified address becomes Reply-To.
  if (user.displayName?.trim()) u.name = user.displayName.trim();
  if (user.email && user.emailVerified) u.email = user.email;
  return u;
}
