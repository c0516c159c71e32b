/**
 * Changing campaigns after creation: edit a draft, duplicate any campaign,
 * delete drafts and finished campaigns (issue 9 item 4).
 * @module
 */
import { BadRequestError, ConflictError } from "../errors.ts";
import { retryLocked } from "../kv.ts";
import { getCampaign } from "./campaign_reads.ts";
import {
  draftRecipients,
  expandRecipients,
  type RecipientSource,
  storeDraft,
  writeChunks,
} from "./campaigns.ts";
import { type DraftInput, LIMITS, validateContent } from "./draft_content.ts";
import {
  type Campaign,
  COUNTERS,
  keys,
  type LedgerRecord,
  type MailUser,
  type RecipientInput,
} from "./model.ts";
import type { InvalidAddress } from "./recipients.ts";

/** The answer of an edit: the draft and what its new recipients left out. */
export interface EditResult {
  campaign: Campaign;
  invalid: InvalidAddress[];
  invalidCount: number;
  duplicates: number;
}

/**
 * Edits a draft: any of `subject`, `text`, `html`, `to` (the same shapes as
 * creating; `to` replaces the recipients). 409 `not_draft` once sending.
 */
export async function updateDraft(
  kv: Deno.Kv,
  user: MailUser,
  id: string,
  input: DraftInput,
  source: RecipientSource,
): Promise<EditResult> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new BadRequestError("Expected a JSON object.");
  }
  const entry = await getCampaign(kv, user.username, id);
  const c = entry.value;
  if (c.status !== "draft") {
    throw new ConflictError(
      `The campaign is ${c.status}; only drafts can be edited.`,
      "not_draft",
    );
  }
  const content = validateContent({
    subject: "subject" in input ? input.subject : c.subject,
    text: "text" in input ? input.text : c.text,
    html: "html" in input ? input.html : c.html,
  });
  let result: Omit<EditResult, "campaign"> = {
    invalid: [],
    invalidCount: 0,
    duplicates: 0,
  };
  const next: Campaign = {
    ...c,
    ...content,
    updatedAt: new Date().toISOString(),
  };
  if (!content.html) delete next.html;
  const fence = { key: keys.campaign(id), versionstamp: entry.versionstamp };
  if (input.to !== undefined) {
    const ex = await expandRecipients(user.id, input.to, source);
    if (!ex.recipients.length) {
      throw new BadRequestError(
        "Choose at least one recipient.",
        "no_recipients",
      );
    }
    result = {
      invalid: ex.invalid.slice(0, LIMITS.reportInvalid),
      invalidCount: ex.invalid.length,
      duplicates: ex.duplicates,
    };
    next.total = ex.recipients.length;
    const oldChunks = Math.ceil(c.total / LIMITS.chunk);
    const newChunks = Math.ceil(next.total / LIMITS.chunk);
    if (!(await writeChunks(kv, id, ex.recipients, fence))) throw busy();
    const op = kv.atomic().check(fence);
    for (let n = newChunks; n < oldChunks; n++) {
      op.delete(keys.draftChunk(id, n));
    }
    if (!(await retryLocked(() => op.set(fence.key, next).commit())).ok) {
      throw busy();
    }
    return { campaign: next, ...result };
  }
  const res = await retryLocked(() =>
    kv.atomic().check(fence).set(fence.key, next).commit()
  );
  if (!res.ok) throw busy();
  return { campaign: next, ...result };
}

function busy(): ConflictError {
  return new ConflictError(
    "The campaign changed meanwhile (sent or edited elsewhere); reload it.",
    "busy",
  );
}

/** The recipients of any campaign, as they were drafted. */
async function recipientsOf(
  kv: Deno.Kv,
  c: Campaign,
): Promise<RecipientInput[]> {
  const out: RecipientInput[] = [];
  if (c.status === "draft") {
    for await (const r of draftRecipients(kv, c.id)) out.push(r);
    return out;
  }
  for await (const e of kv.list<LedgerRecord>({ prefix: keys.rcpts(c.id) })) {
    const { email, firstName, lastName, name, contactId } = e.value;
    const r: RecipientInput = { email };
    if (firstName) r.firstName = firstName;
    if (lastName) r.lastName = lastName;
    if (name) r.name = name;
    if (contactId) r.contactId = contactId;
    out.push(r);
  }
  return out;
}

/** Copies any campaign of `user` into a new draft (same content and recipients). */
export async function duplicateCampaign(
  kv: Deno.Kv,
  user: MailUser,
  id: string,
): Promise<Campaign> {
  const { value: c } = await getCampaign(kv, user.username, id);
  const content = { subject: c.subject, text: c.text, html: c.html };
  return await storeDraft(kv, user, content, await recipientsOf(kv, c));
}

/**
 * Deletes a draft or a finished (`done`, `cancelled`) campaign with its
 * recipients and ledger. Unsubscribe links in mails already sent keep
 * working, and suppressed addresses stay suppressed.
 * 409 `campaign_active` while it is sending or paused.
 */
export async function deleteCampaign(
  kv: Deno.Kv,
  owner: string,
  id: string,
): Promise<void> {
  const entry = await getCampaign(kv, owner, id);
  const c = entry.value;
  if (c.status === "sending" || c.status === "paused") {
    throw new ConflictError(
      `The campaign is ${c.status}: cancel it before deleting it.`,
      "campaign_active",
    );
  }
  const res = await retryLocked(() =>
    kv.atomic().check(entry)
      .delete(keys.campaign(id))
      .delete(keys.userCampaign(owner, id))
      .delete(keys.active(id))
      .commit()
  );
  if (!res.ok) throw busy();
  // The campaign is gone for every reader; now sweep what hung off it.
  const doomed: Deno.KvKey[] = [
    ...COUNTERS.map((n) => keys.counter(id, n)),
    keys.counter(id, "retrying"),
  ];
  for await (const e of kv.list({ prefix: keys.draftChunks(id) })) {
    doomed.push(e.key);
  }
  for await (const e of kv.list({ prefix: keys.dues(id) })) doomed.push(e.key);
  // Unsubscribe links stay valid: people may still click them in old mails.
  for await (const e of kv.list({ prefix: keys.rcpts(id) })) doomed.push(e.key);
  for (let i = 0; i < doomed.length; i += 500) {
    const op = kv.atomic();
    for (const k of doomed.slice(i, i + 500)) op.delete(k);
    await retryLocked(() => op.commit());
  }
}
