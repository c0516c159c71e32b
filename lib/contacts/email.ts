/**
 * Email address validation (RFC 5321 length limits, IDN domains) and the
 * normal form used for dedupe. Pure.
 * @module
 */

/** RFC 5321 §4.5.3.1: local part 64 octets, path 256 (address 254). */
export const EMAIL_LIMITS = {
  emailLocal: 64,
  emailDomain: 253,
  emailTotal: 254,
} as const;

const enc = new TextEncoder();
const octets = (s: string) => enc.encode(s).length;
// atext of RFC 5322 plus any non-ASCII character (RFC 6531, SMTPUTF8).
const ATEXT = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~\u0080-\u{10FFFF}-]+$/u;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/** Converts a (possibly internationalised) domain to lower-case ASCII. */
export function domainToAscii(domain: string): string | null {
  if (!domain || /[\s/\\?#@:%[\]]/.test(domain)) return null;
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
}

/**
 * Checks an email address: dot-atom local part (≤ 64 octets), a domain of
 * at least two DNS labels (IDN allowed, ≤ 63 octets each after punycode),
 * ≤ 254 octets in all. Returns the problem in words, or null when valid.
 */
export function emailProblem(raw: string): string | null {
  const s = raw.trim();
  if (!s) return "Enter an email address.";
  const at = s.lastIndexOf("@");
  if (at < 0) return "An email address needs an @.";
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (!local) return "The part before @ is missing.";
  if (octets(local) > EMAIL_LIMITS.emailLocal) {
    return "The part before @ is longer than 64 characters.";
  }
  if (local.split(".").some((p) => !p || !ATEXT.test(p))) {
    return "The part before @ has characters an address cannot have.";
  }
  if (!domain) return "The domain after @ is missing.";
  const ascii = domainToAscii(domain);
  if (!ascii) return "The domain after @ is not valid.";
  const labels = ascii.split(".");
  if (labels.length < 2) return "The domain needs a dot, like example.com.";
  if (labels.some((l) => !LABEL.test(l))) {
    return "The domain after @ is not valid.";
  }
  if (/^[0-9]+$/.test(labels[labels.length - 1])) {
    return "The domain after @ is not valid.";
  }
  if (ascii.length > EMAIL_LIMITS.emailDomain) return "The domain is too long.";
  if (octets(local) + 1 + ascii.length > EMAIL_LIMITS.emailTotal) {
    return "The address is longer than 254 characters.";
  }
  return null;
}

/** True when `raw` is a valid address (see {@link emailProblem}). */
export function isValidEmail(raw: string): boolean {
  return emailProblem(raw) === null;
}

/**
 * The dedupe form of a valid address: trimmed, domain lower-cased ASCII
 * (punycode), local part as typed (DESIGN.md §6).
 */
export function normalizeEmail(raw: string): string {
  const s = raw.trim();
  const at = s.lastIndexOf("@");
  return `${s.slice(0, at)}@${domainToAscii(s.slice(at + 1)) ?? ""}`;
}
