/**
 * Same-origin return paths (no open redirects).
 * @module
 */

const BASE = "http://x.invalid";

/** True when `path`, used as a Location, stays on this origin. */
function staysHere(path: string): boolean {
  if (!path.startsWith("/") || path.startsWith("//")) return false;
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(path)) return false;
  try {
    return new URL(path, BASE).origin === BASE;
  } catch {
    return false;
  }
}

/**
 * Returns `raw`, normalised (dot segments resolved, as a browser will), when
 * it is a same-origin path both before and after normalising (`/x`, not
 * `//x`, `/\x`, `/.//x`, `/%2e//x`, a scheme or a control character);
 * otherwise `fallback`.
 */
export function safeReturnPath(raw: unknown, fallback = "/"): string {
  if (typeof raw !== "string" || raw.length > 2000) return fallback;
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) {
    return fallback;
  }
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return fallback;
  if (!staysHere(raw)) return fallback;
  const url = new URL(raw, BASE);
  // Check the normalised form too: "/.//evil" normalises to "//evil".
  const path = url.pathname + url.search + url.hash;
  return staysHere(path) ? path : fallback;
}
