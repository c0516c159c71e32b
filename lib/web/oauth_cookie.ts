/**
 * The short-lived cookie that ties a provider sign-in to the browser that
 * started it: it holds only the flow record's random id. HttpOnly,
 * SameSite=Lax (sent on the provider's top-level redirect back), Path=/;
 * Secure with the `__Host-` prefix on https.
 * @module
 */
import type { Config } from "../config.ts";

/** The flow cookie's name for this configuration. */
export function flowCookieName(config: Config): string {
  return config.secureCookies ? "__Host-oauth_flow" : "oauth_flow";
}

/** Reads the flow id from a request's cookies. */
export function readFlowCookie(
  req: Request,
  config: Config,
): string | undefined {
  const name = flowCookieName(config);
  for (const part of (req.headers.get("cookie") ?? "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0 && part.slice(0, i).trim() === name) {
      return part.slice(i + 1).trim();
    }
  }
  return undefined;
}

/** `Set-Cookie` value holding `flowId` for `maxAgeSeconds` ("" clears). */
export function flowCookie(
  config: Config,
  flowId: string,
  maxAgeSeconds: number,
): string {
  const attrs = [
    `${flowCookieName(config)}=${flowId}`,
    "Path=/",
    "HttpOnly",
    "SameSite=Lax",
    `Max-Age=${maxAgeSeconds}`,
  ];
  if (config.secureCookies) attrs.push("Secure");
  return attrs.join("; ");
}

/** `Set-Cookie` value that removes the flow cookie. */
export function clearFlowCookie(config: Config): string {
  return flowCookie(config, "", 0);
}
