/**
 * The account mails (invitation, email verification, password reset), sent
 * through the app's configured transport: SMTP when `SMTP_URL` is set,
 * otherwise the development outbox.
 * @module
 */
import { randomToken } from "../ids.ts";
import { domainOf, parseMailbox } from "../mail/headers.ts";
import { mailService } from "../mail/service.ts";
import { verifyUrl } from "./email_verification.ts";

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

/** Mails the verification link of a new address; false when sending failed. */
export async function sendVerifyMail(
  deps: Deps,
  user: { username: string; email?: string },
  token: string,
): Promise<boolean> {
  try {
    await sendAccountMail(deps, {
      owner: user.username,
      to: user.email!,
      subject: "Verify your email address for RT Messenger",
      text: [
        `Hello ${user.username},`,
        "",
        "Open this link and press the button to verify this address:",
        verifyUrl(deps.config.appUrl, token),
        "",
        "The link works once, for 24 hours.",
        "If you did not ask for this, you can ignore this mail.",
      ].join("\n"),
    });
    return true;
  } catch (err) {
    console.error("verification mail failed", err);
    return false;
  }
}

/** Mails a password reset link. */
export async function sendResetMail(
  deps: Deps,
  input: { owner: string; to: string; url: string },
): Promise<void> {
  await sendAccountMail(deps, {
    owner: input.owner,
    to: input.to,
    subject: "Reset your RT Messenger password",
    text: [
      `Hello ${input.owner},`,
      "",
      "Someone (hopefully you) asked to reset your password. Set a new one here:",
      input.url,
      "",
      "The link works once, for 30 minutes. Setting a new password signs out every session.",
      "If you did not ask for this, you can ignore this mail.",
    ].join("\n"),
  });
}
