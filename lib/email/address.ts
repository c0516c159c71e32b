/**
 * Email addresses, one set of rules for the whole app: validation (RFC 5321
 * length limits, IDN domains, no invisible or separator characters) and the
 * comparison key used for every dedupe and suppression check. The typed form
 * is kept for display and sending; only comparisons use the key. Pure.
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
/**
 * Whitespace, control, format (zero-width, bidi, soft hyphen) and separator
 * characters: none may appear anywhere in an address, or the address a
 * mail server sees differs from the one that was checked (issue 14 item 6).
 */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}\p{Z}]/u;

/** Strips ASCII spaces and tabs at both ends (nothing else: see INVISIBLE). */
export function trimAddress(raw: string): string {
  return raw.replace(/^[ \t]+|[ \t]+$/g, "");
}

/** Converts a (possibly internationalised) domain to lower-case ASCII. */
export function domainToAscii(domain: string): string | null {
  if (!domain || /[\s/\\?#@:%[\]]/.test(domain) || INVISIBLE.test(domain)) {
    return null;
  }
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
}

/**
 * Checks an email address: no whitespace, control, format or separator
 * character anywhere; dot-atom local part (≤ 64 octets); a domain of at least
 * two DNS labels (IDN allowed, ≤ 63 octets each after punycode); ≤ 254
 * octets in all. Returns the problem in words, or null when valid.
 */
export function emailProblem(raw: string): string | null {
  const s = trimAddress(raw);
  if (!s.trim()) return "Enter an email address.";
  if (INVISIBLE.test(s)) {
    return "The address contains a space or an invisible character.";
  }
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
 * The comparison key of an address, used for every dedupe and suppression
 * check: trimmed, NFC, local part case-folded, domain as lower-case ASCII
 * (IDNA via the URL parser). `Ok1@Example.com` and `ok1@example.com` share
 * one key. Display and sending keep the typed form.
 */
export function emailKey(raw: string): string {
  const s = trimAddress(raw).normalize("NFC");
  const at = s.lastIndexOf("@");
  if (at < 0) return s.toLowerCase();
  const domain = s.slice(at + 1);
  return `${s.slice(0, at).toLowerCase()}@${
    domainToAscii(domain) ?? domain.toLowerCase()
  }`;
}

/**
 * The form an address is handed to a mail server in: the typed local part
 * (NFC) and the ASCII (punycode) domain, so the domain delivered to is
 * exactly the one that was checked.
 */
export function deliveryAddress(raw: string): string {
  const s = trimAddress(raw).normalize("NFC");
  const at = s.lastIndexOf("@");
  if (at < 0) return s;
  const domain = s.slice(at + 1);
  return `${s.slice(0, at)}@${domainToAscii(domain) ?? domain}`;
}
