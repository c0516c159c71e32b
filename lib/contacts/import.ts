/**
 * Importing CSV and vCard files into an owner's book: rows are validated,
 * matched to existing contacts (normalised email, else name and phone),
 * merged, and written in batches, each one KV atomic that checks the book
 * revision. The answer always reports what happened to every row.
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { commitWithRetry } from "../kv.ts";
import { type ImportRow, parseContactsCsv, type RowError } from "./csv.ts";
import { ensureGroups, validateGroupName } from "./groups.ts";
import {
  type BatchLimits,
  BatchTooBig,
  firstProblem,
  type Ready,
  within,
  writeBatch,
} from "./import_batch.ts";
import { contactEntries, contactTokens, fold } from "./keys.ts";
import { AtomicSize, KV_LIMITS } from "./kv_size.ts";
import { partOf } from "./search_index.ts";
import { validateContact } from "./model.ts";
import { parseVcards } from "./vcard.ts";

/** What an import did (DESIGN.md §9). */
export interface ImportReport {
  imported: number;
  updated: number;
  skipped: number;
  errors: RowError[];
}

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
  /** Most bytes per atomic (KV allows 800 KiB). */
  maxBytes?: number;
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

/** Validates rows and resolves group names to ids (creating groups). */
async function prepare(
  kv: Deno.Kv,
  owner: string,
  rows: ImportRow[],
  errors: RowError[],
): Promise<Ready[]> {
  const names = new Set<string>();
  const valid: ImportRow[] = [];
  for (const row of rows) {
    try {
      row.groupNames = row.groupNames.map(validateGroupName);
      row.groupNames.forEach((n) => names.add(n));
      validateContact({ ...row.contact, groups: row.groupNames });
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
  };
  const ready = await prepare(kv, owner, rows, report.errors);
  // Batches are sized by mutations, bytes and key bytes (KV's limits), with
  // a margin for what merging with stored contacts adds; a batch that still
  // does not fit is halved.
  const limits: BatchLimits = {
    mutations: opts.maxMutations ?? KV_LIMITS.mutations,
    bytes: opts.maxBytes ?? KV_LIMITS.mutationBytes,
    keys: KV_LIMITS.keyBytes,
  };
  const target: BatchLimits = {
    mutations: Math.floor(limits.mutations * 0.9),
    bytes: Math.floor(limits.bytes * 0.85),
    keys: Math.floor(limits.keys * 0.85),
  };
  const total = ready.length;
  let i = 0;
  let shrink = 1;
  while (i < ready.length) {
    let size = batchSize(owner, ready, i, target);
    size = Math.max(1, Math.floor(size / shrink));
    const batch = ready.slice(i, i + size);
    try {
      const r = await commitWithRetry(
        kv,
        () => writeBatch(kv, owner, batch, limits),
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
  return report;
}

const ID = "0".repeat(26);

/** How many rows from `from` on fit in `target` (estimated, at least 1). */
function batchSize(
  owner: string,
  ready: Ready[],
  from: number,
  target: BatchLimits,
): number {
  const size = new AtomicSize();
  size.set(["contacts_rev", owner], 0);
  const parts = new Set<string>();
  let n = 0;
  for (; from + n < ready.length; n++) {
    const c = { ...ready[from + n].data, id: ID, createdAt: ID, updatedAt: ID };
    for (const e of contactEntries(owner, c)) size.set(e.key, e.value);
    size.bytes += 12; // the record's shard name
    for (const t of contactTokens(c)) {
      size.bytes += t.length + ID.length + 2;
      const p = partOf(t);
      if (!parts.has(p)) {
        parts.add(p);
        size.set(["contact_ix", owner, p, ID, 0], "");
      }
    }
    if (!within(size, target)) return Math.max(1, n);
  }
  return n;
}
