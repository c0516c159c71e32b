/**
 * Header safety and address checks shared by the mail modules (pure).
 * @module
 */
import { BadRequestError } from "../errors.ts";

const UNSAFE = /[\r\n\0]/;

/** True when `value` contains CR, LF or NUL (header injection). */
export function hasHeaderBreak(value: string): boolean {
  return UNSAFE.test(value);
}

/** Throws 400 `header_injection` when `value` contains CR, LF or NUL. */
export function assertHeaderSafe(value: string, field: string): void {
  if (hasHeaderBreak(value)) {
    throw new BadRequestError(
      `${field} must not contain line breaks or NUL characters.`,
      "header_injection",
      { [field]: "CR, LF and NUL are not allowed" },
    );
  }
}

const EMAIL =
  // deno-lint-ignore no-control-regex
  /^[^\s@<>()[\]\\,;:"\x00-\x1f\x7f]{1,64}@[A-Za-z0-9\u00a0-\uffff](?:[A-Za-z0-9\u00a0-\uffff-]{0,62}[A-Za-z0-9\u00a0-\uffff])?(?:\.[A-Za-z0-9\u00a0-\uffff](?:[A-Za-z0-9\u00a0-\uffff-]{0,62}[A-Za-z0-9\u00a0-\uffff])?)*$/;

/** True for a plausible single mailbox address `local@domain` (≤ 254 chars). */
export function isEmail(value: string): boolean {
  return value.length <= 254 && EMAIL.test(value);
}

/** Normal form for dedupe and suppression: trimmed, domain lowercased. */
export function normalizeEmail(value: string): string {
  const v = value.trim();
  const at = v.lastIndexOf("@");
  return at < 0 ? v : v.slice(0, at) + "@" + v.slice(at + 1).toLowerCase();
}

/** Parses `Name <addr@host>` or `addr@host` into its parts. */
export function parseMailbox(value: string): { name: string; address: string } {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>]+)>\s*$/.exec(value);
  if (m) return { name: (m[1] ?? "").trim(), address: m[2].trim() };
  return { name: "", address: value.trim() };
}

/** The domain part of an address (for Message-IDs). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at < 0 ? "localhost" : address.slice(at + 1).toLowerCase();
}
