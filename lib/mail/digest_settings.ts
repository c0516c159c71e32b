/**
 * The missed-mention mail setting per user (`off`, `15m`, `1h`, `daily`, or
 * unset = the server default `DIGEST_DELAY_MINUTES`), its one-click
 * unsubscribe token (RFC 8058), and the verified address it goes to.
 *
 * | key | value |
 * |---|---|
 * | `["digest_setting", username]` | {@link DigestSetting} |
 * | `["digest_unsub", token]` | username |
 * | `["digest_unsub_of", username]` | token |
 * @module
 */
import { getUserByUsername } from "../auth/users.ts";
import { BadRequestError } from "../errors.ts";
import { randomToken } from "../ids.ts";
import { cancelOpenDigests } from "./digest_ledger.ts";

/** What a user chose. */
export type DigestSetting = "off" | "15m" | "1h" | "daily";
/** The accepted settings. */
export const DIGEST_SETTINGS: readonly DigestSetting[] = [
  "off",
  "15m",
  "1h",
  "daily",
];

const settingKey = (user: string): Deno.KvKey => ["digest_setting", user];
const unsubKey = (token: string): Deno.KvKey => ["digest_unsub", token];
const unsubOfKey = (user: string): Deno.KvKey => ["digest_unsub_of", user];

/** The user's setting, or "default" when they never chose. */
export async function getDigestSetting(
  kv: Deno.Kv,
  user: string,
): Promise<DigestSetting | "default"> {
  return (await kv.get<DigestSetting>(settingKey(user))).value ?? "default";
}

/** Validates and stores a setting. */
export async function setDigestSetting(
  kv: Deno.Kv,
  user: string,
  value: unknown,
): Promise<DigestSetting> {
  if (!DIGEST_SETTINGS.includes(value as DigestSetting)) {
    throw new BadRequestError(
      'digest must be "off", "15m", "1h" or "daily".',
      "invalid_digest",
      { digest: 'Use "off", "15m", "1h" or "daily".' },
    );
  }
  await kv.set(settingKey(user), value);
  // Off (or unsubscribed, RFC 8058): what is still queued is not sent.
  if (value === "off") await cancelOpenDigests(kv, user);
  return value as DigestSetting;
}

/** The delay in ms for a setting (null: off). */
export function delayMs(
  setting: DigestSetting | "default",
  defaultMinutes: number,
): number | null {
  switch (setting) {
    case "off":
      return null;
    case "15m":
      return 15 * 60_000;
    case "1h":
      return 60 * 60_000;
    case "daily":
      return 24 * 60 * 60_000;
    default:
      return defaultMinutes * 60_000;
  }
}

/** The user's unsubscribe token (created once). */
export async function unsubscribeToken(
  kv: Deno.Kv,
  user: string,
): Promise<string> {
  const have = await kv.get<string>(unsubOfKey(user));
  if (have.value) return have.value;
  const token = randomToken(20);
  const res = await kv.atomic().check(have).set(unsubOfKey(user), token)
    .set(unsubKey(token), user).commit();
  if (res.ok) return token;
  return (await kv.get<string>(unsubOfKey(user))).value!;
}

/** The user a token belongs to, or null (unknown or malformed). */
export async function tokenUser(
  kv: Deno.Kv,
  token: string,
): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
  return (await kv.get<string>(unsubKey(token))).value;
}

/**
 * The user's verified email address, or null: an address that is not
 * verified (or a deactivated account) is never mailed.
 */
export async function verifiedEmailOf(
  kv: Deno.Kv,
  user: string,
): Promise<{ email: string; name?: string } | null> {
  const u = await getUserByUsername(kv, user);
  if (!u || !u.email || u.emailVerified !== true || u.deactivatedAt) {
    return null;
  }
  return { email: u.email, name: u.displayName || undefined };
}
