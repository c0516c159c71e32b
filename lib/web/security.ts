/**
 * Security headers and the same-origin rule for unsafe methods.
 * @module
 */
import { randomToken } from "../ids.ts";

/** A fresh CSP nonce for one response. */
export function newNonce(): string {
  return randomToken(16);
}

/** Sets the security headers on `headers` (CSP uses `nonce`). */
export function setSecurityHeaders(headers: Headers, nonce: string): void {
  headers.set(
    "content-security-policy",
    [
      "default-src 'self'",
      `script-src 'self' 'nonce-${nonce}'`,
      "style-src 'self' 'unsafe-inline'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "font-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      "frame-ancestors 'none'",
    ].join("; "),
  );
  headers.set("x-content-type-options", "nosniff");
  headers.set("referrer-policy", "strict-origin-when-cross-origin");
  headers.set("x-frame-options", "DENY");
  headers.set("cross-origin-opener-policy", "same-origin");
  headers.set("permissions-policy", "camera=(), microphone=(), geolocation=()");
}

/** `Strict-Transport-Security` for an https app (one year, subdomains). */
export function setTransportSecurity(headers: Headers, appUrl: string): void {
  if (appUrl.startsWith("https:")) {
    headers.set(
      "strict-transport-security",
      "max-age=31536000; includeSubDomains",
    );
  }
}

/**
 * `Cache-Control: no-store` on every `/api` answer and on HTML rendered for
 * a signed-in user, so Back after logout (or a shared browser's cache)
 * shows no signed-in page. Static files keep their own caching.
 */
export function setNoStore(
  headers: Headers,
  path: string,
  signedIn: boolean,
): void {
  const html = (headers.get("content-type") ?? "").startsWith("text/html");
  if (path === "/api" || path.startsWith("/api/") || (signedIn && html)) {
    headers.set("cache-control", "no-store");
  }
}

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/** True for methods that change state. */
export function isUnsafeMethod(method: string): boolean {
  return !SAFE.has(method.toUpperCase());
}

/**
 * The same-origin rule (DESIGN.md §7): an unsafe request passes when
 * `Sec-Fetch-Site` is `same-origin` or `none`, or when `Origin` equals the
 * app's origin. A `Sec-Fetch-Site` of `cross-site`/`same-site` always fails.
 */
export function isSameOrigin(req: Request, appOrigin: string): boolean {
  const site = req.headers.get("sec-fetch-site");
  const origin = req.headers.get("origin");
  if (site === "cross-site" || site === "same-site") return false;
  if (origin !== null) return origin === appOrigin;
  return site === "same-origin" || site === "none";
}
