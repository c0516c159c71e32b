/**
 * Campaign actions used by the routes: previews, test sends, summaries.
 * Every function takes the acting user and scopes reads to them.
 * @module
 */
import { AppError, BadRequestError } from "../errors.ts";
import type { EventBus } from "../events.ts";
import { progressOf } from "./campaign_progress.ts";
import { getCampaign } from "./campaign_reads.ts";
import { draftRecipients } from "./campaigns.ts";
import { validateContent } from "./draft_content.ts";
import {
  compileCampaign,
  type ComposeContext,
  composeFor,
  renderFor,
} from "./compose.ts";
import { assertHeaderSafe, isEmail, normalizeEmail } from "./headers.ts";
import {
  type Campaign,
  type CampaignProgress,
  keys,
  type LedgerRecord,
  type MailUser,
} from "./model.ts";
import { reserveQuota } from "./quota.ts";
import { publishProgress } from "./sender.ts";
import { type MailTransport, SendError } from "./transport.ts";
import {
  newUnsubToken,
  suppressedSet,
  suppressionKeyOf,
  unsubscribeUrl,
} from "./unsubscribe.ts";
import { SAMPLE_VALUES } from "./templates.ts";
import { completeNames } from "../names.ts";

/** A campaign as the API shows it. */
export type CampaignView = CampaignProgress & {
  subject: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Drafts: recipients that would be mailed now (after suppression). */
  willSend?: number;
  /** Drafts: recipients skipped because they unsubscribed. */
  willSuppress?: number;
  /** Drafts: recipients without a given name (`{{first_name}}` empty). */
  noFirstName?: number;
};

/**
 * Progress plus the fields a list or page shows. With `detail`, a draft also
 * gets the counts its send confirmation shows.
 */
export async function viewOf(
  kv: Deno.Kv,
  c: Campaign,
  detail = false,
): Promise<CampaignView> {
  const p = await progressOf(kv, c);
  const v: CampaignView = { ...p, subject: c.subject, createdAt: c.createdAt };
  if (c.startedAt) v.startedAt = c.startedAt;
  if (c.finishedAt) v.finishedAt = c.finishedAt;
  if (detail && c.status === "draft") {
    const suppressed = await suppressedSet(kv, c.owner);
    let willSuppress = 0, noFirstName = 0;
    for await (const r of draftRecipients(kv, c.id)) {
      if (suppressed.has(suppressionKeyOf(r.email))) willSuppress++;
      if (!r.firstName?.trim()) noFirstName++;
    }
    Object.assign(v, {
      willSend: c.total - willSuppress,
      willSuppress,
      noFirstName,
    });
  }
  return v;
}

/** Renders unsaved content with sample values (composer preview). */
export function previewContent(
  user: MailUser,
  input: { subject?: unknown; text?: unknown; html?: unknown },
): { subject: string; text: string; html?: string } {
  const content = validateContent(input);
  const c = compileCampaign({
    id: "preview",
    owner: user.username,
    ...content,
    fromName: user.username,
    status: "draft",
    total: 0,
    createdAt: "",
    updatedAt: "",
  });
  return renderFor(c, {
    email: SAMPLE_VALUES.email,
    firstName: SAMPLE_VALUES.first_name,
    lastName: SAMPLE_VALUES.last_name,
    name: SAMPLE_VALUES.name,
  }, SAMPLE_VALUES.unsubscribe_url);
}

/** Renders a campaign for one of its recipients (`email`), or the first one. */
export async function previewFor(
  kv: Deno.Kv,
  owner: string,
  id: string,
  email: string | null,
  appUrl: string,
): Promise<{ email: string; subject: string; text: string; html?: string }> {
  const { value: campaign } = await getCampaign(kv, owner, id);
  const want = email ? normalizeEmail(email).toLowerCase() : null;
  const matches = (e: string) =>
    !want || normalizeEmail(e).toLowerCase() === want;
  let found: {
    email: string;
    firstName?: string;
    lastName?: string;
    name?: string;
  } | undefined;
  let token = "preview";
  if (campaign.status === "draft") {
    for await (const r of draftRecipients(kv, id)) {
      if (matches(r.email)) {
        found = r;
        break;
      }
    }
  } else {
    for await (const e of kv.list<LedgerRecord>({ prefix: keys.rcpts(id) })) {
      if (matches(e.value.email)) {
        found = e.value;
        token = e.value.token;
        break;
      }
    }
  }
  if (!found) {
    throw new BadRequestError(
      "That address is not a recipient of this campaign.",
    );
  }
  const out = renderFor(
    compileCampaign(campaign),
    found,
    unsubscribeUrl(appUrl, token),
  );
  return { email: found.email, ...out };
}

/**
 * Sends one test mail of the campaign to `email` (counts 1 against the
 * quota). The unsubscribe link in a test mail leads nowhere.
 */
export async function sendTest(
  kv: Deno.Kv,
  user: MailUser,
  id: string,
  email: unknown,
  deps: { transport: MailTransport; ctx: ComposeContext; quota: number },
): Promise<{ email: string; response: string }> {
  const { value: campaign } = await getCampaign(kv, user.username, id);
  const to = typeof email === "string" && email ? email.trim() : user.email;
  if (!to) {
    throw new BadRequestError(
      "Give an email address for the test mail.",
      "invalid",
      { email: "required" },
    );
  }
  assertHeaderSafe(to, "email");
  if (!isEmail(to)) {
    throw new BadRequestError("That is not a valid email address.", "invalid", {
      email: "invalid",
    });
  }
  await reserveQuota(kv, user.username, 1, deps.quota);
  // The sender's own values: their display name split into given/family
  // (no username stand-in: an empty value shows the template's fallback).
  const own = completeNames({ name: user.name });
  const mail = composeFor(compileCampaign(campaign), {
    email: to,
    name: user.name || undefined,
    firstName: own.givenName,
    lastName: own.familyName,
    token: newUnsubToken(),
  }, deps.ctx);
  mail.subject = `[Test] ${mail.subject}`;
  try {
    const res = await deps.transport.send(user.username, mail);
    return { email: to, response: res.response };
  } catch (err) {
    const msg = err instanceof SendError ? err.message : String(err);
    throw new AppError(
      502,
      "smtp_error",
      `The mail server refused the test mail: ${msg}`,
    );
  }
}

/** Publishes the campaign's current progress to its owner. */
export async function announce(
  kv: Deno.Kv,
  bus: EventBus,
  owner: string,
  id: string,
): Promise<CampaignProgress> {
  const { value } = await getCampaign(kv, owner, id);
  const p = await progressOf(kv, value);
  publishProgress(bus, owner, p);
  return p;
}
