/**
 * Checks the composer's typed addresses in the browser with the server's own
 * rules (`lib/email/address.ts`), so invalid ones are shown with the reason
 * before the draft is saved (issue 9 item 5). Pure.
 * @module
 */
import { emailProblem } from "../../lib/email/address.ts";

/** A typed entry that is not a valid address, and why. */
export interface TypedProblem {
  entry: string;
  reason: string;
}

/** Splits the field into entries (lines, commas, semicolons). */
export function typedEntries(field: string): string[] {
  // Commas inside "Lima, Ana" <a@x> quotes stay with their entry.
  const out: string[] = [];
  let cur = "", quoted = false;
  for (const ch of field) {
    if (ch === '"') quoted = !quoted;
    if (!quoted && (ch === "," || ch === ";" || ch === "\n")) {
      out.push(cur);
      cur = "";
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.replace(/^[ \t\r]+|[ \t\r]+$/g, "")).filter(Boolean);
}

/** The address inside `Name <addr>`, or the entry itself. */
export function addressOf(entry: string): string {
  const m = /<([^<>]*)>\s*$/.exec(entry);
  return (m ? m[1] : entry).replace(/^[ \t]+|[ \t]+$/g, "");
}

/** Entries that are not valid addresses, each with the reason. */
export function typedProblems(field: string): TypedProblem[] {
  const out: TypedProblem[] = [];
  for (const entry of typedEntries(field)) {
    const reason = emailProblem(addressOf(entry));
    if (reason) out.push({ entry, reason });
  }
  return out;
}

/** The entry with invisible characters made visible: "a\u200bb" → "a[U+200B]b". */
export function visible(entry: string): string {
  return entry.replace(
    /[\p{White_Space}\p{Cc}\p{Cf}\p{Z}]/gu,
    (ch) =>
      ch === " "
        ? " "
        : `[U+${
          ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")
        }]`,
  );
}
