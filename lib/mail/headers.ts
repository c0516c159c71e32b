/**
 * Header safety and address checks shared by the mail modules (pure).
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { emailKey, isValidEmail, trimAddress } from "../email/address.ts";

const UNSAFE = /[\r\n\0]/;

/** True when `value` contains CR, LF or NUL (header injection). */
export function hasHeaderBreak(value: string): boolean {
  return UNSAFE.test(value);
}

/** Throws 400 `header_injection` when `value` contains CR, LF or NUL. */
export function assertHeaderSafe(value: string, field: string): void {
  if (hasHeaderBreak(value)) {
    throw new BadRequestError(
      `The field ${field} must not contain line breaks or NUL characters.`,
      "header_injection",
      { [field]: "CR, LF and NUL are not allowed" },
    );
  }
}

/** True for a valid single mailbox address (the app's one rule set). */
export function isEmail(value: string): boolean {
  return isValidEmail(value);
}

/**
 * Comparison key for dedupe and suppression: NFC, case-folded local part,
 * lower-case ASCII domain (see `lib/email/address.ts`).
 */
export function normalizeEmail(value: string): string {
  return emailKey(value);
}

/** Parses `Name <addr@host>` or `addr@host` into its parts. */
export function parseMailbox(value: string): { name: string; address: string } {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^<>]+)>\s*$/.exec(value);
  // Only ASCII blanks are trimmed from the address: any other whitespace or
  // invisible character stays in it, so validation refuses it.
  if (m) return { name: (m[1] ?? "").trim(), address: trimAddress(m[2]) };
  return { name: "", address: trimAddress(value) };
}

/** The domain part of an address (for Message-IDs). */
export function domainOf(address: string): string {
  const at = address.lastIndexOf("@");
  return at < 0 ? "localhost" : address.slice(at + 1).toLowerCase();
}
