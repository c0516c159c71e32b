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
}

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
): Promise<{ token: string; session: Session }> {
  const token = randomToken(32);
  const now = Date.now();
  const session: Session = {
    id: await hashToken(token),
    userId,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttlMs).toISOString(),
  };
  await kv.atomic()
    .set(["sessions", session.id], session, { expireIn: ttlMs })
    .set(["sessions_by_user", userId, session.id], true, { expireIn: ttlMs })
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
