/**
 * The account mails (invitation, email verification, password reset), sent
 * through the app's configured transport: SMTP when `SMTP_URL` is set,
 * otherwise the development outbox.
 * @module
 */
import { randomToken } from "../ids.ts";
import { domainOf, parseMailbox } from "../mail/headers.ts";
import { mailService } from "../mail/service.ts";

type Deps = Parameters<typeof mailService>[0];

/** One plain-text account mail. */
export interface AccountMail {
  /** Whose dev outbox shows it (a username). */
  owner: string;
  to: string;
  subject: string;
  text: string;
}

/** Sends an account mail from MAIL_FROM. */
export async function sendAccountMail(
  deps: Deps,
  mail: AccountMail,
): Promise<void> {
  const from = parseMailbox(deps.config.mailFrom);
  await mailService(deps).transport.send(mail.owner, {
    from: { name: from.name || "RT Messenger", address: from.address },
    to: { address: mail.to },
    subject: mail.subject,
    text: mail.text,
    messageId: `<account.${randomToken(12)}@${domainOf(from.address)}>`,
    headers: {},
  });
}

/** The invitation mail for an invitation carrying an address. */
export async function sendInviteMail(
  deps: Deps,
  input: { inviter: string; to: string; url: string; expiresAt: string },
): Promise<void> {
  await sendAccountMail(deps, {
    owner: input.inviter,
    to: input.to,
    subject: `${input.inviter} invited you to RT Messenger`,
    text: [
      `${input.inviter} invited you to join their team on RT Messenger.`,
      "",
      "Create your account with this link:",
      input.url,
      "",
      `The link works until ${input.expiresAt}.`,
      "If you did not expect this mail, you can ignore it.",
    ].join("\n"),
  });
}
