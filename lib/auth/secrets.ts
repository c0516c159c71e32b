/**
 * One-time secrets (invitation, email verification and password reset
 * links): 256 random bits in the link, only their SHA-256 in KV, compared in
 * constant time.
 * @module
 */
import { randomToken, timingSafeEqual } from "../ids.ts";
import { encodeHex } from "../web/hex.ts";

/** Longest token accepted from a URL or form (ours are 43 characters). */
export const MAX_TOKEN_LENGTH = 128;

/** SHA-256 of `token`, hex. */
export async function hashSecret(token: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(token),
  );
  return encodeHex(new Uint8Array(digest));
}

/** A fresh secret: the token for the link and the hash to store. */
export async function newSecret(): Promise<{ token: string; hash: string }> {
  const token = randomToken(32);
  return { token, hash: await hashSecret(token) };
}

/** The hash of a token from a request, or null when it cannot be one of ours. */
export async function lookupHash(token: unknown): Promise<string | null> {
  if (typeof token !== "string") return null;
  if (!token || token.length > MAX_TOKEN_LENGTH) return null;
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  return await hashSecret(token);
}

/** Constant-time check that a presented token's hash equals the stored one. */
export function sameHash(stored: string, presented: string): boolean {
  return timingSafeEqual(stored, presented);
}
