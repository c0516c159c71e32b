/**
 * Campaign drafts: validation, recipient expansion and dedupe, owner-scoped
 * reads and progress. Sending lives in `ledger.ts` and `sender.ts`.
 * @module
 */
import { BadRequestError, NotFoundError } from "../errors.ts";
import { newId } from "../ids.ts";
import { type Page, retryLocked } from "../kv.ts";
import { isCursorError, isId } from "../params.ts";
import { assertHeaderSafe, isEmail } from "./headers.ts";
import {
  expandRecipients,
  type InvalidAddress,
  noContacts,
  RECIPIENT_LIMITS,
  type RecipientSource,
} from "./recipients.ts";

export { expandRecipients, noContacts, RECIPIENT_LIMITS };
export type { InvalidAddress, RecipientSource };
import {
  type Campaign,
  type CampaignProgress,
  COUNTERS,
  keys,
  type LedgerRecord,
  type MailUser,
  type RecipientInput,
} from "./model.ts";
import { compileTemplate, sanitize } from "./templates.ts";

/** Limits on a draft, all explicit. */
export const LIMITS = {
  subjectChars: 300,
  textBytes: 16_000,
  htmlBytes: 32_000,
  ...RECIPIENT_LIMITS,
  /** Recipients per stored draft chunk (keeps values far below 64 KiB). */
  chunk: 50,
  /** Invalid addresses returned in a draft answer. */
  reportInvalid: 100,
};

/** The body of `POST /api/campaigns`. */
export interface DraftInput {
  subject?: unknown;
  text?: unknown;
  html?: unknown;
  to?: { groups?: unknown; contacts?: unknown; emails?: unknown };
}

/** The result of a draft: the campaign and what was left out. */
export interface DraftResult {
  campaign: Campaign;
  invalid: InvalidAddress[];
  invalidCount: number;
  duplicates: number;
}

const enc = new TextEncoder();
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

function str(v: unknown, field: string, required: boolean): string {
  if (v === undefined || v === null || v === "") {
    if (required) {
      throw new BadRequestError(`${cap(field)} is required.`, "invalid", {
        [field]: "required",
      });
    }
    return "";
  }
  if (typeof v !== "string") {
    throw new BadRequestError(`${cap(field)} must be a string.`, "invalid", {
      [field]: "must be a string",
    });
  }
  return v;
}

/** Validates subject and bodies; returns them with the HTML sanitised. */
export function validateContent(input: DraftInput): {
  subject: string;
  text: string;
  html?: string;
} {
  const subject = str(input.subject, "subject", true).trim();
  assertHeaderSafe(subject, "subject");
  if (!subject) throw new BadRequestError("Subject is required.");
  if (subject.length > LIMITS.subjectChars) {
    throw new BadRequestError(
      `Subject is longer than ${LIMITS.subjectChars} characters.`,
    );
  }
  const text = str(input.text, "text", true);
  if (enc.encode(text).length > LIMITS.textBytes) {
    throw new BadRequestError(`Text is larger than ${LIMITS.textBytes} bytes.`);
  }
  const rawHtml = str(input.html, "html", false);
  const html = rawHtml ? sanitize(rawHtml) : undefined;
  if (html && enc.encode(html).length > LIMITS.htmlBytes) {
    throw new BadRequestError(`HTML is larger than ${LIMITS.htmlBytes} bytes.`);
  }
  compileTemplate(subject, "subject");
  compileTemplate(text, "text");
  if (html) compileTemplate(html, "html");
  return { subject, text, html };
}

/** Creates a draft owned by `user`; 400 on bad content or no recipients. */
export async function createDraft(
  kv: Deno.Kv,
  user: MailUser,
  input: DraftInput,
  source: RecipientSource = noContacts,
): Promise<DraftResult> {
  if (typeof input !== "object" || input === null) {
    throw new BadRequestError("Expected a JSON object.");
  }
  const content = validateContent(input);
  assertHeaderSafe((user.name || user.username).trim(), "name");
  if (user.email) assertHeaderSafe(user.email, "email");
  const { recipients, invalid, duplicates } = await expandRecipients(
    user.id,
    input.to,
    source,
  );
  if (recipients.length === 0) {
    throw new BadRequestError(
      invalid.length
        ? `No valid recipient (${invalid.length} invalid address(es)).`
        : "Choose at least one recipient.",
      "no_recipients",
    );
  }
  const campaign = await storeDraft(kv, user, content, recipients);
  return {
    campaign,
    invalid: invalid.slice(0, LIMITS.reportInvalid),
    invalidCount: invalid.length,
    duplicates,
  };
}

/** Stores a new draft with already expanded recipients (create, duplicate). */
export async function storeDraft(
  kv: Deno.Kv,
  user: MailUser,
  content: { subject: string; text: string; html?: string },
  recipients: RecipientInput[],
): Promise<Campaign> {
  // `"Ann Lee via RT Messenger" <MAIL_FROM address>`: the app sends on the
  // person's behalf; replies go to their verified address (Reply-To).
  const fromName = `${(user.name || user.username).trim()} via RT Messenger`;
  const id = newId();
  const now = new Date().toISOString();
  const campaign: Campaign = {
    id,
    owner: user.username,
    ...content,
    fromName,
    replyTo: user.email && isEmail(user.email) ? user.email : undefined,
    status: "draft",
    total: recipients.length,
    createdAt: now,
    updatedAt: now,
  };
  if (!campaign.html) delete campaign.html;
  if (!campaign.replyTo) delete campaign.replyTo;
  // Chunks first, the campaign last: a half-written draft is never visible.
  await writeChunks(kv, id, recipients);
  await retryLocked(() =>
    kv.atomic()
      .check({ key: keys.campaign(id), versionstamp: null })
      .set(keys.campaign(id), campaign)
      .set(keys.userCampaign(user.username, id), null)
      .commit()
  );
  return campaign;
}

/**
 * Writes a draft's recipient chunks, ≤ 10 per commit (far below KV's 800 KiB
 * per atomic write). `fence` (a campaign entry) is checked by every commit.
 */
export async function writeChunks(
  kv: Deno.Kv,
  id: string,
  recipients: RecipientInput[],
  fence?: { key: Deno.KvKey; versionstamp: string | null },
): Promise<boolean> {
  const perAtomic = 10;
  for (let i = 0, n = 0; i < recipients.length; i += LIMITS.chunk * perAtomic) {
    const op = kv.atomic();
    if (fence) op.check(fence);
    const end = Math.min(recipients.length, i + LIMITS.chunk * perAtomic);
    for (let j = i; j < end; j += LIMITS.chunk, n++) {
      op.set(keys.draftChunk(id, n), recipients.slice(j, j + LIMITS.chunk));
    }
    if (!(await retryLocked(() => op.commit())).ok) return false;
  }
  return true;
}

/** Reads a campaign of `owner`; another user's id is a 404. */
export async function getCampaign(
  kv: Deno.Kv,
  owner: string,
  id: string,
): Promise<Deno.KvEntry<Campaign>> {
  const entry = isId(id) ? await kv.get<Campaign>(keys.campaign(id)) : null;
  if (!entry?.value || entry.value.owner !== owner) {
    throw new NotFoundError("No such campaign.");
  }
  return entry as Deno.KvEntry<Campaign>;
}

/** Lists `owner`'s campaigns, newest first. */
export async function listCampaigns(
  kv: Deno.Kv,
  owner: string,
  limit = 50,
  cursor?: string,
): Promise<Page<Campaign>> {
  const iter = kv.list<null>({ prefix: keys.userCampaigns(owner) }, {
    limit,
    cursor: cursor || undefined,
    reverse: true,
  });
  const ids: string[] = [];
  try {
    for await (const e of iter) ids.push(e.key[2] as string);
  } catch (err) {
    if (isCursorError(err)) {
      throw new BadRequestError("The cursor is not valid.", "invalid_cursor");
    }
    throw err;
  }
  const out: Campaign[] = [];
  for (let i = 0; i < ids.length; i += 10) {
    const got = await kv.getMany<Campaign[]>(
      ids.slice(i, i + 10).map((id) => keys.campaign(id)),
    );
    for (const e of got) if (e.value) out.push(e.value);
  }
  return { items: out, cursor: ids.length < limit ? "" : iter.cursor };
}

/** Reads the draft's recipients (draft campaigns only keep them here). */
export async function* draftRecipients(
  kv: Deno.Kv,
  id: string,
): AsyncGenerator<RecipientInput> {
  for await (
    const e of kv.list<RecipientInput[]>({ prefix: keys.draftChunks(id) })
  ) {
    yield* e.value;
  }
}

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
