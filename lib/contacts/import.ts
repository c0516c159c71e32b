/**
 * Importing CSV and vCard files into an owner's book: rows are validated,
 * matched to existing contacts (normalised email, else name and phone),
 * merged, and written in batches, each one KV atomic that checks the book
 * revision. The answer always reports what happened to every row.
 * @module
 */
import { AppError, BadRequestError } from "../errors.ts";
import { commitWithRetry } from "../kv.ts";
import { type ImportRow, parseContactsCsv, type RowError } from "./csv.ts";
import { ensureGroups, validateGroupName } from "./groups.ts";
import { BatchTooBig, firstProblem, writeBatch } from "./import_batch.ts";
import type { ImportReport, Ready } from "./import_types.ts";
import { contactEntries, fold } from "./keys.ts";
import { type ContactInput, validateContact } from "./model.ts";
import { parseVcards } from "./vcard.ts";

export type { ImportReport } from "./import_types.ts";

/** Progress after each committed batch. */
export interface ImportProgress {
  done: number;
  total: number;
}

/** Options of {@link importContacts}. */
export interface ImportOptions {
  onProgress?: (p: ImportProgress) => void | Promise<void>;
  /** Most KV mutations per atomic (KV allows 1000). */
  maxMutations?: number;
}

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

/** Parses a file into rows and row errors; 400 when nothing is usable. */
export function parseImport(
  text: string,
  format: ImportFormat,
): { rows: ImportRow[]; errors: RowError[] } {
  if (format === "vcard") {
    const r = parseVcards(text);
    if (
      !r.rows.length &&
      !r.errors.some((e) => e.message.startsWith("Unreadable"))
    ) {
      throw new BadRequestError("No vCard found in the file.", "no_records");
    }
    return r;
  }
  const r = parseContactsCsv(text);
  if (!r.mapping.some(Boolean)) {
    throw new BadRequestError(
      "No known column in the header (name, email, phone, company, notes, groups, or a Google Contacts export).",
      "unknown_columns",
    );
  }
  return r;
}

/** Imports a file's text; see {@link importRows}. */
export async function importContacts(
  kv: Deno.Kv,
  owner: string,
  text: string,
  format: ImportFormat,
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const { rows, errors } = parseImport(text, format);
  return await importRows(kv, owner, rows, errors, opts);
}

/** Fields without which a row is not imported (its identity). */
const ESSENTIAL = /^(name|email|emails(\.\d+)?)$/;

/** How a field key reads in a warning: "phones.1" → "phone 2". */
function fieldLabel(key: string): string {
  const m = /^(phone|email)s?(?:\.(\d+))?$/.exec(key);
  if (m) return m[2] && m[2] !== "0" ? `${m[1]} ${Number(m[2]) + 1}` : m[1];
  return key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

/**
 * Validates a row; an invalid optional field (a phone, the birthday, the
 * website, a too long note, ...) is dropped with a warning instead of
 * losing the row. Throws for problems with the name or the emails.
 */
function salvage(row: ImportRow, warnings: RowError[]): void {
  const c: ContactInput = row.contact;
  // Group names are checked on their own; stand-in ids count them here.
  const groups = row.groupNames.map((_, i) => `g${i}`);
  for (let tries = 0; tries < 32; tries++) {
    try {
      validateContact({ ...c, groups });
      return;
    } catch (err) {
      const fields = (err as AppError).fields;
      if (!fields || Object.keys(fields).some((k) => ESSENTIAL.test(k))) {
        throw err;
      }
      const dropPhones = new Set<number>();
      for (const [key, message] of Object.entries(fields)) {
        const value = dropField(c, key, dropPhones);
        const shown = value ? ` "${value.slice(0, 60)}"` : "";
        warnings.push({
          line: row.line,
          message: `${fieldLabel(key)}${shown} was not imported: ${message}`,
        });
      }
      if (dropPhones.size && c.phones) {
        c.phones = c.phones.filter((_, i) => !dropPhones.has(i));
      }
    }
  }
  throw new BadRequestError("The row could not be read.");
}

/** Removes one invalid field from `c`; returns its value (for the warning). */
function dropField(c: ContactInput, key: string, phones: Set<number>) {
  const m = /^phones?(?:\.(\d+))?$/.exec(key);
  if (key === "phones") {
    const extra = c.phones?.slice(8) ?? [];
    c.phones = c.phones?.slice(0, 8);
    return extra.length ? `${extra.length} more` : "";
  }
  if (key === "groups") return "";
  if (m) {
    const i = Number(m[1] ?? 0);
    phones.add(i);
    const p = c.phones?.[i];
    return typeof p === "string" ? p : p?.value ?? c.phone ?? "";
  }
  const record = c as Record<string, unknown>;
  const value = String(record[key] ?? "");
  delete record[key];
  return value;
}

/** Validates rows and resolves group names to ids (creating groups). */
async function prepare(
  kv: Deno.Kv,
  owner: string,
  rows: ImportRow[],
  errors: RowError[],
  warnings: RowError[],
): Promise<Ready[]> {
  const names = new Set<string>();
  const valid: ImportRow[] = [];
  for (const row of rows) {
    try {
      row.groupNames = row.groupNames.filter((n) => {
        try {
          validateGroupName(n);
          return true;
        } catch (err) {
          warnings.push({
            line: row.line,
            message: `group "${n.slice(0, 60)}" was not imported: ${
              (err as Error).message
            }`,
          });
          return false;
        }
      }).map(validateGroupName);
      salvage(row, warnings);
      row.groupNames.forEach((n) => names.add(n));
      valid.push(row);
    } catch (err) {
      errors.push({ line: row.line, message: firstProblem(err) });
    }
  }
  const ids = await ensureGroups(kv, owner, [...names]);
  return valid.map((row) => ({
    line: row.line,
    data: validateContact({
      ...row.contact,
      groups: row.groupNames.map((n) => ids.get(fold(n))!),
    }),
  }));
}

/**
 * Writes validated rows in batches. Each batch is one atomic; a failed
 * batch is reported with its lines and the import stops there, so the
 * report always says which rows are stored.
 */
export async function importRows(
  kv: Deno.Kv,
  owner: string,
  rows: ImportRow[],
  parseErrors: RowError[],
  opts: ImportOptions = {},
): Promise<ImportReport> {
  const report: ImportReport = {
    imported: 0,
    updated: 0,
    skipped: 0,
    errors: [...parseErrors],
    warnings: [],
  };
  const ready = await prepare(kv, owner, rows, report.errors, report.warnings);
  const max = opts.maxMutations ?? 900;
  const total = ready.length;
  let i = 0;
  let shrink = 1;
  while (i < ready.length) {
    // As many rows as their estimated mutations allow; halved on overflow.
    let size = 0;
    for (let budget = max; i + size < ready.length; size++) {
      budget -= contactEntries(owner, {
        ...ready[i + size].data,
        id: "",
        createdAt: "",
        updatedAt: "",
      }).length + 2;
      if (budget < 0 && size > 0) break;
    }
    size = Math.max(1, Math.floor(size / shrink));
    const batch = ready.slice(i, i + size);
    try {
      const r = await commitWithRetry(
        kv,
        () => writeBatch(kv, owner, batch, max),
      );
      report.imported += r.imported;
      report.updated += r.updated;
      report.skipped += r.skipped;
      report.errors.push(...r.errors);
      shrink = 1;
    } catch (err) {
      if (err instanceof BatchTooBig && size > 1) {
        shrink *= 2;
        continue;
      }
      report.errors.push({
        line: batch[0].line,
        message: `Rows from line ${batch[0].line} on were not saved: ${
          (err as Error).message
        }`,
      });
      break;
    }
    i += batch.length;
    await opts.onProgress?.({ done: i, total });
  }
  report.errors.sort((a, b) => a.line - b.line);
  report.warnings.sort((a, b) => a.line - b.line);
  return report;
}
