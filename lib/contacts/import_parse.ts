/**
 * Reading an import upload: decodes the file as text and parses it (CSV or
 * vCard) into validated rows and row errors for the batch writer.
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { type ImportRow, parseContactsCsv, type RowError } from "./csv.ts";
import { RowPrep } from "./import_prepare.ts";
import { parseVcards } from "./vcard.ts";

/** Accepted import formats. */
export type ImportFormat = "csv" | "vcard";

/**
 * Decodes an upload as UTF-8 text. Binary data (NUL bytes or invalid
 * UTF-8) is refused with a 400 `not_text`.
 */
export function decodeImportBody(bytes: Uint8Array): string {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new BadRequestError("The file is not UTF-8 text.", "not_text");
  }
  if (text.includes("\u0000")) {
    throw new BadRequestError("The file is binary, not text.", "not_text");
  }
  if (!text.trim()) throw new BadRequestError("The file is empty.", "empty");
  return text;
}

/**
 * Parses a file into rows and row errors; 400 when nothing is usable. With
 * `onRow`, each row goes to it as it is read and `rows` stays empty.
 */
export function parseImport(
  text: string,
  format: ImportFormat,
  onRow?: (row: ImportRow) => void,
): { rows: ImportRow[]; errors: RowError[] } {
  if (format === "vcard") {
    const r = parseVcards(text);
    if (
      !r.rows.length &&
      !r.errors.some((e) => e.message.startsWith("Unreadable"))
    ) {
      throw new BadRequestError("No vCard found in the file.", "no_records");
    }
    if (onRow) {
      r.rows.forEach(onRow);
      r.rows.length = 0;
    }
    return r;
  }
  const r = parseContactsCsv(text, onRow);
  if (!r.mapping.some(Boolean)) {
    throw new BadRequestError(
      "No known column in the header (name, email, phone, company, notes, groups, or a Google Contacts export).",
      "unknown_columns",
    );
  }
  return r;
}

/**
 * Parses and validates a file for {@link importPrepared}: rows are kept in
 * their compact validated form only. 400 when nothing is usable.
 */
export function prepareImport(text: string, format: ImportFormat): RowPrep {
  const prep = new RowPrep();
  const { errors } = parseImport(text, format, prep.add);
  prep.errors.push(...errors);
  return prep;
}
