/**
 * A draft's content: the limits on a draft and the validation of its subject
 * and bodies (HTML sanitised, merge tags compiled).
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { assertHeaderSafe } from "./headers.ts";
import { RECIPIENT_LIMITS } from "./recipients.ts";
import { compileTemplate, sanitize } from "./templates.ts";

/** Limits on a draft, all explicit. */
export const LIMITS = {
  subjectChars: 300,
  textBytes: 16_000,
  htmlBytes: 32_000,
  ...RECIPIENT_LIMITS,
  /** Recipients per stored draft chunk (keeps values far below 64 KiB). */
  chunk: 50,
  /** Invalid addresses returned in a draft answer. */
  reportInvalid: 100,
};

/** The body of `POST /api/campaigns`. */
export interface DraftInput {
  subject?: unknown;
  text?: unknown;
  html?: unknown;
  to?: { groups?: unknown; contacts?: unknown; emails?: unknown };
}

const enc = new TextEncoder();
const cap = (s: string) => s[0].toUpperCase() + s.slice(1);

function str(v: unknown, field: string, required: boolean): string {
  if (v === undefined || v === null || v === "") {
    if (required) {
      throw new BadRequestError(`${cap(field)} is required.`, "invalid", {
        [field]: "required",
      });
    }
    return "";
  }
  if (typeof v !== "string") {
    throw new BadRequestError(`${cap(field)} must be a string.`, "invalid", {
      [field]: "must be a string",
    });
  }
  return v;
}

/** Validates subject and bodies; returns them with the HTML sanitised. */
export function validateContent(input: DraftInput): {
  subject: string;
  text: string;
  html?: string;
} {
  const subject = str(input.subject, "subject", true).trim();
  assertHeaderSafe(subject, "subject");
  if (!subject) throw new BadRequestError("Subject is required.");
  if (subject.length > LIMITS.subjectChars) {
    throw new BadRequestError(
      `Subject is longer than ${LIMITS.subjectChars} characters.`,
    );
  }
  const text = str(input.text, "text", true);
  if (enc.encode(text).length > LIMITS.textBytes) {
    throw new BadRequestError(`Text is larger than ${LIMITS.textBytes} bytes.`);
  }
  const rawHtml = str(input.html, "html", false);
  const html = rawHtml ? sanitize(rawHtml) : undefined;
  if (html && enc.encode(html).length > LIMITS.htmlBytes) {
    throw new BadRequestError(`HTML is larger than ${LIMITS.htmlBytes} bytes.`);
  }
  compileTemplate(subject, "subject");
  compileTemplate(text, "text");
  if (html) compileTemplate(html, "html");
  return { subject, text, html };
}
