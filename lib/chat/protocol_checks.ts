/**
 * Checks of single frame fields: message text, ids and seqs. Pure; shared
 * with the islands.
 * @module
 */
import { MAX_ID_LENGTH, MAX_TEXT_CHARS } from "./protocol_limits.ts";

/** Number of characters (code points) in `s`. */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Checks message text: 1 to {@link MAX_TEXT_CHARS} characters after trimming.
 * Returns the trimmed text, or an error message.
 */
export function checkText(
  text: unknown,
): { ok: true; text: string } | { ok: false; message: string } {
  if (typeof text !== "string") {
    return { ok: false, message: "text must be a string." };
  }
  const trimmed = text.trim();
  if (trimmed.length === 0) {
    return { ok: false, message: "Message text is empty." };
  }
  if (
    trimmed.length > MAX_TEXT_CHARS && charCount(trimmed) > MAX_TEXT_CHARS
  ) {
    return {
      ok: false,
      message: `Message text is over ${MAX_TEXT_CHARS} characters.`,
    };
  }
  if (trimmed.includes("\0")) {
    return { ok: false, message: "Message text contains a NUL character." };
  }
  return { ok: true, text: trimmed };
}

const ID_RE = /^[A-Za-z0-9_-]+$/;

/** True when `v` looks like a room or message id. */
export function isId(v: unknown): v is string {
  return typeof v === "string" && v.length > 0 &&
    v.length <= MAX_ID_LENGTH && ID_RE.test(v);
}

/** True when `v` is a valid seq (a non-negative safe integer). */
export function isSeq(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}
