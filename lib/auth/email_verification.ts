/**
 * Email verification: changing the address stores a one-time token
 * (`["email_verify", sha256]`, 24 h) and mails `/verify-email/:token`;
 * only a POST to that URL verifies. Verified addresses are unique across
 * accounts (case-insensitive, `["users_by_email", address]`).
 * @module
 */
import { ConflictError, GoneError } from "../errors.ts";
import { lookupHash, newSecret, sameHash } from "./secrets.ts";
import { emailKey, type User } from "./users.ts";

/** How long a verification link works. */
export const VERIFY_TTL_MS = 24 * 3600_000;

interface VerifyRecord {
  hash: string;
  userId: string;
  email: string;
  expiresAt: string;
}

const verifyKey = (hash: string) => ["email_verify", hash];

/** Stores a verification token for `user`'s (new) address; returns the token. */
export async function createVerification(
  kv: Deno.Kv,
  user: Pick<User, "id">,
  email: string,
): Promise<string> {
  const { token, hash } = await newSecret();
  const record: VerifyRecord = {
    hash,
    userId: user.id,
    email,
    expiresAt: new Date(Date.now() + VERIFY_TTL_MS).toISOString(),
  };
  await kv.set(verifyKey(hash), record, { expireIn: VERIFY_TTL_MS });
  return token;
}

/** The link that verifies. */
export function verifyUrl(appUrl: string, token: string): string {
  return `${appUrl}/verify-email/${encodeURIComponent(token)}`;
}

const invalid = () =>
  new GoneError(
    "This verification link is not valid any more (already used, expired or replaced). Change your email in Settings to get a new one.",
    "verify_invalid",
  );

/**
 * Verifies the address behind `token`, once: the token is deleted in the
 * same atomic that marks the address verified and claims it. A link for an
 * address the user has since changed, or one past 24 h, is a GoneError; an
 * address another account verified meanwhile is a ConflictError.
 */
export async function verifyEmail(kv: Deno.Kv, token: unknown): Promise<User> {
  const hash = await lookupHash(token);
  if (!hash) throw invalid();
  for (;;) {
    const rec = await kv.get<VerifyRecord>(verifyKey(hash));
    const v = rec.value;
    if (
      !v || !sameHash(v.hash, hash) || Date.parse(v.expiresAt) <= Date.now()
    ) {
      throw invalid();
    }
    const userEntry = await kv.get<User>(["users", v.userId]);
    const user = userEntry.value;
    if (
      !user || user.deactivatedAt ||
      (user.email ?? "").toLowerCase() !== v.email.toLowerCase()
    ) {
      await kv.delete(rec.key);
      throw invalid();
    }
    const claim = await kv.get<string>(emailKey(v.email));
    if (claim.value && claim.value !== user.id) {
      throw new ConflictError(
        "That email address is already verified by another account.",
        "email_taken",
      );
    }
    const next: User = { ...user, email: v.email, emailVerified: true };
    const res = await kv.atomic()
      .check(rec, userEntry, claim)
      .delete(rec.key)
      .set(userEntry.key, next)
      .set(emailKey(v.email), user.id)
      .commit();
    if (res.ok) return next;
  }
}
