/**
 * Format checks of single contact fields (birthday, website). Pure.
 * @module
 */

/** True for `YYYY-MM-DD` (a real date) or `--MM-DD` (no year). */
export function isBirthday(v: string): boolean {
  const m = /^(\d{4}|-)-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const year = m[1] === "-" ? 2000 : Number(m[1]); // 2000: Feb 29 allowed
  const d = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3]) && year >= 1000;
}

/** True for an http(s) address, with or without the scheme. */
export function isWebsite(v: string): boolean {
  if (/\s/.test(v)) return false;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`;
  try {
    const u = new URL(withScheme);
    return (u.protocol === "https:" || u.protocol === "http:") &&
      u.hostname.includes(".");
  } catch {
    return false;
  }
}

/** A link target for a stored website (adds `https://` when missing). */
export function websiteHref(v: string): string {
  return /^https?:\/\//i.test(v) ? v : `https://${v}`;
}
