/**
 * Unsubscribe tokens (one per recipient) and the per-sender suppression list.
 * @module
 */
import { randomToken } from "../ids.ts";
import { retryLocked } from "../kv.ts";
import { emailKey } from "../email/address.ts";
import { keys } from "./model.ts";

/** What an unsubscribe token points at. */
export interface UnsubTarget {
  owner: string;
  campaignId: string;
  rid: string;
  email: string;
}

/** A suppression record. */
export interface Suppression {
  email: string;
  at: string;
  campaignId?: string;
}

const TOKEN = /^[A-Za-z0-9_-]{20,64}$/;

/** A fresh unguessable token (160 bits). */
export function newUnsubToken(): string {
  return randomToken(20);
}

/** The public unsubscribe link for a token. */
export function unsubscribeUrl(appUrl: string, token: string): string {
  return `${appUrl.replace(/\/$/, "")}/unsubscribe/${token}`;
}

/** Looks a token up; null when unknown or malformed. */
export async function lookupToken(
  kv: Deno.Kv,
  token: string,
): Promise<UnsubTarget | null> {
  if (typeof token !== "string" || !TOKEN.test(token)) return null;
  return (await kv.get<UnsubTarget>(keys.unsub(token))).value;
}

/** Suppresses the token's address for its sender. Idempotent; null if unknown. */
export async function unsubscribe(
  kv: Deno.Kv,
  token: string,
): Promise<UnsubTarget | null> {
  const target = await lookupToken(kv, token);
  if (!target) return null;
  await suppress(kv, target.owner, target.email, target.campaignId);
  return target;
}

/** Adds `email` to `owner`'s suppression list. */
export async function suppress(
  kv: Deno.Kv,
  owner: string,
  email: string,
  campaignId?: string,
): Promise<void> {
  const key = keys.suppressed(owner, emailKey(email));
  const value: Suppression = { email, at: new Date().toISOString() };
  if (campaignId) value.campaignId = campaignId;
  await retryLocked(() =>
    kv.atomic().check({ key, versionstamp: null }).set(key, value).commit()
  );
}

/**
 * All suppressed addresses of `owner` as comparison keys. Keys stored by an
 * older normal form (lowercased, Unicode domain) are folded on read.
 */
export async function suppressedSet(
  kv: Deno.Kv,
  owner: string,
): Promise<Set<string>> {
  const out = new Set<string>();
  for await (const e of kv.list({ prefix: keys.suppressions(owner) })) {
    out.add(emailKey(e.key[2] as string));
  }
  return out;
}

/** The key form used in suppression checks. */
export function suppressionKeyOf(email: string): string {
  return emailKey(email);
}

/** True when `email` is on `owner`'s suppression list (any older key form). */
export async function isSuppressed(
  kv: Deno.Kv,
  owner: string,
  email: string,
): Promise<boolean> {
  const key = emailKey(email);
  if ((await kv.get(keys.suppressed(owner, key))).versionstamp) return true;
  return (await suppressedSet(kv, owner)).has(key);
}
