/**
 * Where to send the browser after sign-in: same-origin paths only, so the
 * sign-in flow can never be used as an open redirect.
 * @module
 */

const MAX_LENGTH = 2000;

/**
 * Returns `raw` when it is a safe same-origin path (`/rooms?x=1#top`),
 * otherwise `fallback`. Rejects absolute and scheme-relative URLs
 * (`https://evil`, `//evil`), backslash tricks (`/\evil`), control
 * characters and anything that would resolve to another origin.
 */
export function safeReturnPath(
  raw: string | null | undefined,
  fallback = "/",
): string {
  if (typeof raw !== "string" || raw.length === 0 || raw.length > MAX_LENGTH) {
    return fallback;
  }
  // Must be a path; browsers treat "\" like "/" and skip tabs/newlines.
  if (raw[0] !== "/" || raw[1] === "/" || raw.includes("\\")) return fallback;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f\s]/.test(raw)) return fallback;
  const base = "http://return-path.invalid";
  let url: URL;
  try {
    url = new URL(raw, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  const path = url.pathname + url.search + url.hash;
  // Percent-encoded slashes or backslashes at the start could be decoded by
  // a proxy into "//": refuse them too.
  if (/^\/(%2f|%5c)/i.test(path)) return fallback;
  return path;
}
