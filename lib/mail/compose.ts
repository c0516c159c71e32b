/**
 * Builds the personalised mail for one recipient of a campaign.
 * @module
 */
import { deliveryAddress } from "../email/address.ts";
import { domainOf, parseMailbox } from "./headers.ts";
import type { Campaign, RecipientInput } from "./model.ts";
import {
  compileTemplate,
  type MergeValues,
  render,
  sanitize,
  type Template,
} from "./templates.ts";
import type { OutgoingMail } from "./transport.ts";
import { digestMail } from "./digest_mail.ts";
import { unsubscribeUrl } from "./unsubscribe.ts";

/** A campaign with its templates parsed once. */
export interface CompiledCampaign {
  campaign: Campaign;
  subject: Template;
  text: Template;
  html?: Template;
}

/** Parses a campaign's templates (already validated at draft time). */
export function compileCampaign(campaign: Campaign): CompiledCampaign {
  return {
    campaign,
    subject: compileTemplate(campaign.subject, "subject"),
    text: compileTemplate(campaign.text, "text"),
    html: campaign.html ? compileTemplate(campaign.html, "html") : undefined,
  };
}

/** Merge values for a recipient. */
export function valuesFor(r: RecipientInput, unsubUrl: string): MergeValues {
  return {
    first_name: r.firstName ?? "",
    last_name: r.lastName ?? "",
    name: r.name ?? "",
    email: r.email,
    unsubscribe_url: unsubUrl,
  };
}

/** Where mails come from and where links point. */
export interface ComposeContext {
  /** `MAIL_FROM`, e.g. `RT Messenger <no-reply@example.com>`. */
  mailFrom: string;
  /** Public origin for unsubscribe links. */
  appUrl: string;
}

/** Renders subject and bodies only (previews). */
export function renderFor(
  c: CompiledCampaign,
  r: RecipientInput,
  unsubUrl: string,
): { subject: string; text: string; html?: string } {
  const v = valuesFor(r, unsubUrl);
  return {
    subject: render(c.subject, v).replace(/[\r\n\0]+/g, " "),
    text: render(c.text, v),
    // Values are escaped; sanitising again stops a value from becoming a URL scheme.
    html: c.html ? sanitize(render(c.html, v, true)) : undefined,
  };
}

/**
 * The full mail for one recipient: From is MAIL_FROM's address with the
 * sender's name, Reply-To the sender's address, Message-ID stable per
 * recipient, List-Unsubscribe with one-click POST (RFC 8058).
 */
export function composeFor(
  c: CompiledCampaign,
  r: RecipientInput & { rid?: string; token: string },
  ctx: ComposeContext,
): OutgoingMail {
  const digest = c.campaign.digest;
  if (digest) {
    // A system job: the missed-mention mail; `token` is the user's digest token.
    return digestMail({
      jobId: c.campaign.id,
      to: { email: r.email, name: r.name },
      items: digest.items,
      appUrl: ctx.appUrl,
      mailFrom: ctx.mailFrom,
      unsubscribeToken: r.token,
    });
  }
  const url = unsubscribeUrl(ctx.appUrl, r.token);
  const body = renderFor(c, r, url);
  const from = parseMailbox(ctx.mailFrom).address;
  const mail: OutgoingMail = {
    from: { name: c.campaign.fromName, address: from },
    to: r.name
      ? { name: r.name, address: deliveryAddress(r.email) }
      : { address: deliveryAddress(r.email) },
    subject: body.subject,
    text: body.text,
    messageId: `<${r.rid ?? "test-" + r.token.slice(0, 12)}.${c.campaign.id}@${
      domainOf(from)
    }>`,
    headers: {
      "List-Unsubscribe": `<${url}>`,
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  };
  if (body.html) mail.html = body.html;
  if (c.campaign.replyTo) mail.replyTo = c.campaign.replyTo;
  return mail;
}
