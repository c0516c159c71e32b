/**
 * Group mail types and constants shared by the server and the islands.
 * Pure: no KV, no npm imports.
 * @module
 */

/** The merge tags a template may use. */
export const MERGE_TAGS = [
  "first_name",
  "last_name",
  "name",
  "email",
  "unsubscribe_url",
] as const;

/** What each merge tag becomes (composer help). */
export const MERGE_TAG_HELP: Record<typeof MERGE_TAGS[number], string> = {
  first_name: "the contact's given name",
  last_name: "the contact's family name",
  name: "the contact's display name",
  email: "the recipient's address",
  unsubscribe_url: "the recipient's one-click unsubscribe link",
};

/** Recipient ledger statuses, in the order the UI lists them. */
export const RECIPIENT_STATUSES = [
  "queued",
  "sending",
  "sent",
  "failed",
  "suppressed",
] as const;

/** A campaign's progress as the API and the live event carry it. */
export interface CampaignSnapshot {
  id: string;
  status: "draft" | "sending" | "paused" | "done" | "cancelled";
  total: number;
  sent: number;
  failed: number;
  pending: number;
  suppressed?: number;
  /** Recipients waiting for a retry after a transient failure. */
  retrying?: number;
  /** When the next retry is due (ISO 8601). */
  nextRetryAt?: string;
  /** Drafts: recipients that would be mailed (after suppression). */
  willSend?: number;
  /** Drafts: recipients skipped because they unsubscribed. */
  willSuppress?: number;
  /** Drafts: recipients whose given name is empty (for `{{first_name}}`). */
  noFirstName?: number;
  subject?: string;
}

/** The frame published on `user:<username>` and forwarded to sockets. */
export interface CampaignEvent {
  type: "campaign";
  campaign: CampaignSnapshot;
}

/** Narrows an incoming frame to a campaign event. */
export function isCampaignEvent(v: unknown): v is CampaignEvent {
  const e = v as CampaignEvent;
  return !!e && e.type === "campaign" && typeof e.campaign?.id === "string";
}

/** Recipients that are finished (sent, failed or suppressed). */
export function finishedCount(c: CampaignSnapshot): number {
  return c.total - c.pending;
}
