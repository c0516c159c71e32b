/**
 * The session cookie: HttpOnly, SameSite=Lax, Path=/; Secure with the
 * `__Host-` prefix when the app is served over https.
 * @module
 */
import type { Config } from "../config.ts";
import { createSession, deleteSession } from "../auth/sessions.ts";

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
 * new one and returns the `Set-Cookie` value. Used by every sign-in path.
 */
export async function startSession(
  kv: Deno.Kv,
  config: Config,
  req: Request,
  userId: string,
): Promise<string> {
  const old = readSessionToken(req, config);
  if (old) await deleteSession(kv, old);
  const { token } = await createSession(kv, userId, config.sessionTtlMs);
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
  return cookie(config, "", 0);
}
