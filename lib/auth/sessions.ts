/**
 * Sessions in KV. The cookie holds a random token; KV stores only its
 * SHA-256, so a leaked database does not leak live sessions.
 * @module
 */
import { randomToken } from "../ids.ts";
import { encodeHex } from "../web/hex.ts";

/** A signed-in session. */
export interface Session {
  /** SHA-256 of the cookie token (hex). */
  id: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  /** The browser's User-Agent at sign-in (for the session list). */
  userAgent?: string;
  /** The client's IP address at sign-in. */
  ip?: string;
  /** Updated at most every few minutes while the session is used. */
  lastSeenAt?: string;
}

/** How often `lastSeenAt` is written while a session is used. */
export const SEEN_EVERY_MS = 5 * 60_000;

async function hashToken(token: string): Promise<string> {
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(token),
  );
  return encodeHex(new Uint8Array(digest));
}

/** Creates a session for `userId`; returns the token for the cookie. */
export async function createSession(
  kv: Deno.Kv,
  userId: string,
  ttlMs: number,
  meta: { userAgent?: string; ip?: string } = {},
): Promise<{ token: string; session: Session }> {
  const token = randomToken(32);
  const now = Date.now();
  const session: Session = {
    id: await hashToken(token),
    userId,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString(),
    lastSeenAt: new Date(now).toISOString(),
  };
  if (meta.userAgent) session.userAgent = meta.userAgent;
  if (meta.ip) session.ip = meta.ip;
  await kv.atomic()
    .set(["sessions", session.id], session, { expireIn: ttlMs })
    .set(["sessions_by_user", userId, session.id], true, { expireIn: ttlMs })
    .set(["user_seen", userId], session.createdAt)
    .commit();
  return { token, session };
}

/** The live session for a cookie token, or null (expired or unknown). */
export async function getSession(
  kv: Deno.Kv,
  token: string,
): Promise<Session | null> {
  if (!token || token.length > 128) return null;
  const session =
    (await kv.get<Session>(["sessions", await hashToken(token)])).value;
  if (!session || Date.parse(session.expiresAt) <= Date.now()) return null;
  return session;
}

/** Deletes the session behind a cookie token (logout). */
export async function deleteSession(kv: Deno.Kv, token: string): Promise<void> {
  const id = await hashToken(token);
  const session = (await kv.get<Session>(["sessions", id])).value;
  const op = kv.atomic().delete(["sessions", id]);
  if (session) op.delete(["sessions_by_user", session.userId, id]);
  await op.commit();
}

/** Records that `session` was used now (at most every {@link SEEN_EVERY_MS}). */
export async function touchSession(
  kv: Deno.Kv,
  session: Session,
): Promise<void> {
  const last = Date.parse(session.lastSeenAt ?? session.createdAt);
  if (Date.now() - last < SEEN_EVERY_MS) return;
  const now = new Date().toISOString();
  const ttl = Date.parse(session.expiresAt) - Date.now();
  if (ttl <= 0) return;
  const entry = await kv.get<Session>(["sessions", session.id]);
  if (!entry.value) return;
  await kv.atomic().check(entry).set(entry.key, {
    ...entry.value,
    lastSeenAt: now,
  }, {
    expireIn: ttl,
  }).set(["user_seen", session.userId], now).commit();
}
