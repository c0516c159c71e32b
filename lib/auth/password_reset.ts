/**
 * "Forgot password?": `requestReset` mails a one-time link (30 minutes,
 * `["pw_reset", sha256]`) to the account's verified address and answers the
 * same whatever exists; `resetPassword` sets the new password once and ends
 * every session of that user.
 * @module
 */
import type { Config } from "../config.ts";
import { GoneError } from "../errors.ts";
import { reserve, reserveOrThrow, windowSlot } from "../rate_limit.ts";
import { hashPassword } from "./passwords.ts";
import { lookupHash, newSecret, sameHash } from "./secrets.ts";
import {
  emailKey,
  getUser,
  getUserByUsername,
  type User,
  validatePassword,
} from "./users.ts";

/** How long a reset link works. */
export const RESET_TTL_MS = 30 * 60_000;
const HOUR = 3600_000;

interface ResetRecord {
  hash: string;
  userId: string;
  expiresAt: string;
}

const resetKey = (hash: string) => ["pw_reset", hash];

/** The account a `login` field names: a username or a verified address. */
async function findAccount(kv: Deno.Kv, login: string): Promise<User | null> {
  const byName = await getUserByUsername(kv, login);
  if (byName) return byName;
  if (!login.includes("@") || login.length > 254) return null;
  const id = (await kv.get<string>(emailKey(login))).value;
  return id ? await getUser(kv, id) : null;
}

/** A reset to mail: the address and the token of the link. */
export interface ResetMail {
  user: User;
  to: string;
  token: string;
}

/**
 * Handles `POST /password/forgot`. Limited per IP (429, which says nothing
 * about accounts) and per account (silently: no more mails). Returns the
 * mail to send, or null when there is nothing to send; callers answer the
 * same page either way.
 */
export async function requestReset(
  kv: Deno.Kv,
  config: Config,
  rawLogin: unknown,
  ip: string,
): Promise<ResetMail | null> {
  await reserveOrThrow(kv, [
    windowSlot("reset_ip", ip, {
      max: config.resetsPerIpPerHour,
      windowMs: HOUR,
    }),
  ], "Too many password reset requests from your network.");
  const login = typeof rawLogin === "string" ? rawLogin.trim() : "";
  if (!login || login.length > 254) return null;
  const user = await findAccount(kv, login);
  if (!user || user.deactivatedAt || !user.email || !user.emailVerified) {
    return null;
  }
  const perAccount = await reserve(kv, [
    windowSlot("reset_user", user.id, {
      max: config.resetsPerAccountPerHour,
      windowMs: HOUR,
    }),
  ]);
  if (!perAccount.ok) return null;
  const { token, hash } = await newSecret();
  const record: ResetRecord = {
    hash,
    userId: user.id,
    expiresAt: new Date(Date.now() + RESET_TTL_MS).toISOString(),
  };
  await kv.set(resetKey(hash), record, { expireIn: RESET_TTL_MS });
  return { user, to: user.email, token };
}

/** The link that resets. */
export function resetUrl(appUrl: string, token: string): string {
  return `${appUrl}/password/reset/${encodeURIComponent(token)}`;
}

const invalid = () =>
  new GoneError(
    "This password reset link is not valid any more (already used or expired). Ask for a new one.",
    "reset_invalid",
  );

async function usable(
  kv: Deno.Kv,
  token: unknown,
): Promise<{ rec: Deno.KvEntry<ResetRecord>; user: Deno.KvEntry<User> }> {
  const hash = await lookupHash(token);
  if (!hash) throw invalid();
  const rec = await kv.get<ResetRecord>(resetKey(hash));
  const r = rec.value;
  if (!r || !sameHash(r.hash, hash) || Date.parse(r.expiresAt) <= Date.now()) {
    throw invalid();
  }
  const user = await kv.get<User>(["users", r.userId]);
  if (!user.value || user.value.deactivatedAt) throw invalid();
  return {
    rec: rec as Deno.KvEntry<ResetRecord>,
    user: user as Deno.KvEntry<User>,
  };
}

/** Throws GoneError unless `token` is a usable reset link (GET shows the form). */
export async function checkResetToken(
  kv: Deno.Kv,
  token: unknown,
): Promise<void> {
  await usable(kv, token);
}

/**
 * Sets the new password, once: the token is deleted in the same atomic that
 * stores the hash. Returns the user; the caller ends every session.
 */
export async function resetPassword(
  kv: Deno.Kv,
  token: unknown,
  rawPassword: unknown,
): Promise<User> {
  const password = validatePassword(rawPassword);
  const passwordHash = await hashPassword(password);
  for (;;) {
    const { rec, user } = await usable(kv, token);
    const next: User = { ...user.value, passwordHash };
    const res = await kv.atomic().check(rec, user).delete(rec.key)
      .set(user.key, next).commit();
    if (res.ok) return next;
  }
}
