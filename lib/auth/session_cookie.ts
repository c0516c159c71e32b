/**
 * The session cookie: HttpOnly, SameSite=Lax, Path=/; Secure with the
 * `__Host-` prefix when the app is served over https. (Auth code: the web
 * layer only receives the resolved user and session in its state.)
 * @module
 */
import type { Config } from "../config.ts";
import {
  createSession,
  deleteSession,
  getSession,
  type Session,
  touchSession,
} from "./sessions.ts";
import { getUser, isBlocked, type User } from "./users.ts";

/** The cookie's name for this configuration. */
export function sessionCookieName(config: Config): string {
  return config.secureCookies ? "__Host-rt_session" : "rt_session";
}

/** Reads the session token from a request's cookies. */
export function readSessionToken(
  req: Request,
  config: Config,
): string | undefined {
  const name = sessionCookieName(config);
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) {
      return part.slice(i + 1).trim();
    }
  }
  return undefined;
}

function cookie(config: Config, value: string, maxAge: number): string {
  const attrs = [
    `${sessionCookieName(config)}=${value}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAge}`,
  ];
  if (config.secureCookies) attrs.push("Secure");
  return attrs.join("; ");
}

/**
 * Signs `userId` in: deletes the request's old session (if any), creates a
 * new one (remembering the user agent and `ip` for the session list) and
 * returns the `Set-Cookie` value. Used by every sign-in path.
 */
export async function startSession(
  kv: Deno.Kv,
  config: Config,
  req: Request,
  userId: string,
  ip = "",
): Promise<string> {
  const old = readSessionToken(req, config);
  if (old) await deleteSession(kv, old);
  const { token } = await createSession(kv, userId, config.sessionTtlMs, {
    userAgent: (req.headers.get("user-agent") ?? "").slice(0, 256),
    ip: ip.slice(0, 64),
  });
  return cookie(config, token, Math.floor(config.sessionTtlMs / 1000));
}

/** Deletes the request's session; returns the clearing `Set-Cookie` value. */
export async function endSession(
  kv: Deno.Kv,
  config: Config,
  req: Request,
): Promise<string> {
  const token = readSessionToken(req, config);
  if (token) await deleteSession(kv, token);
  return endSessionCookie(config);
}

/** The `Set-Cookie` value that clears the session cookie. */
export function endSessionCookie(config: Config): string {
  return cookie(config, "", 0);
}

/**
 * The signed-in user behind a request's cookie, or null. Sessions of
 * deactivated or deleted accounts are deleted on sight (an old cookie stops
 * working at once); a used session's last-seen time is refreshed.
 */
export async function resolveSession(
  kv: Deno.Kv,
  config: Config,
  req: Request,
): Promise<{ session: Session; user: User } | null> {
  const token = readSessionToken(req, config);
  if (!token) return null;
  const session = await getSession(kv, token);
  const user = session && await getUser(kv, session.userId);
  if (!session || !user) return null;
  if (isBlocked(user)) {
    await deleteSession(kv, token);
    return null;
  }
  await touchSession(kv, session);
  return { session, user };
}
