/**
 * Campaign drafts: creation (recipient expansion and dedupe), storage of the
 * recipient chunks, and reading them back. Content validation lives in
 * `draft_content.ts`, reads in `campaign_reads.ts`, progress in
 * `campaign_progress.ts`; sending in `ledger.ts` and `sender.ts`.
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { newId } from "../ids.ts";
import { retryLocked } from "../kv.ts";
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
import { type DraftInput, LIMITS, validateContent } from "./draft_content.ts";
import {
  type Campaign,
  keys,
  type MailUser,
  type RecipientInput,
} from "./model.ts";

/** The result of a draft: the campaign and what was left out. */
export interface DraftResult {
  campaign: Campaign;
  invalid: InvalidAddress[];
  invalidCount: number;
  duplicates: number;
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
