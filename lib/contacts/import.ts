/**
 * Importing CSV and vCard files into an owner's book: rows are validated,
 * matched to existing contacts (normalised email, else name and phone),
 * merged, and written in batches, each one KV atomic that checks the book
 * revision. The answer always reports what happened to every row.
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { newId } from "../ids.ts";
import { commitWithRetry } from "../kv.ts";
import { bookAtomic, getManyValues } from "./contacts.ts";
import { type ImportRow, parseContactsCsv, type RowError } from "./csv.ts";
import { ensureGroups, validateGroupName } from "./groups.ts";
import {
  contactEntries,
  contactKey,
  emailKey,
  fold,
  nameDedupeKey,
  nameKeyKey,
  stageContact,
} from "./keys.ts";
import {
  type Contact,
  type ContactData,
  normalizeEmail,
  toInput,
  validateContact,
} from "./model.ts";
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

class BatchTooBig extends Error {}

interface Ready {
  line: number;
  data: ContactData;
}

const same = (a: ContactData, b: ContactData) =>
  JSON.stringify(validateContact(toInput(a))) === JSON.stringify(b);

/** Merges an imported row into an existing contact: new values win, lists unite. */
function merge(existing: Contact, row: ContactData): ContactData {
  const input = toInput(existing);
  for (
    const f of ["givenName", "familyName", "company", "title", "notes"] as const
  ) {
    if (row[f]) input[f] = row[f];
  }
  if (row.name) input.name = row.name;
  const emails = [...existing.emails];
  for (const e of row.emails) {
    const i = emails.findIndex((x) =>
      normalizeEmail(x.value) === normalizeEmail(e.value)
    );
    if (i < 0) emails.push(e);
    else if (e.label) emails[i] = { ...emails[i], label: e.label };
  }
  const phones = [...existing.phones];
  const digits = (s: string) => s.replace(/\D/g, "");
  for (const p of row.phones) {
    const i = phones.findIndex((x) => digits(x.value) === digits(p.value));
    if (i < 0) phones.push(p);
    else if (p.label) phones[i] = { ...phones[i], label: p.label };
  }
  input.emails = emails;
  input.phones = phones;
  input.groups = [...new Set([...existing.groups, ...row.groups])];
  return validateContact(input);
}

function firstProblem(err: unknown): string {
  const e = err as BadRequestError;
  const f = e.fields && Object.entries(e.fields)[0];
  if (!f) return e.message;
  // "emails.0" → "email", "emails.2" → "email 3" (as people count them).
  const field = f[0].replace(
    /^(email|phone)s?(?:\.(\d+))?$/,
    (_, kind, n) => (n && n !== "0" ? `${kind} ${Number(n) + 1}` : kind),
  );
  return `${field}: ${f[1]}`;
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

/** Keys a row may match an existing contact by. */
function matchKeys(owner: string, d: ContactData): Deno.KvKey[] {
  return d.emails.length
    ? d.emails.map((e) => emailKey(owner, normalizeEmail(e.value)))
    : [nameKeyKey(owner, nameDedupeKey(d))];
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
  return report;
}

async function writeBatch(
  kv: Deno.Kv,
  owner: string,
  batch: Ready[],
  max: number,
): Promise<[Deno.AtomicOperation, ImportReport]> {
  const r: ImportReport = { imported: 0, updated: 0, skipped: 0, errors: [] };
  const { op } = await bookAtomic(kv, owner);
  const keys = batch.flatMap((row) => matchKeys(owner, row.data));
  const hits = await getManyValues<string>(kv, keys);
  const idOf = new Map(keys.map((k, j) => [JSON.stringify(k), hits[j].value]));
  const existingIds = [
    ...new Set(hits.flatMap((h) => (h.value ? [h.value] : []))),
  ];
  const found = await getManyValues<Contact>(
    kv,
    existingIds.map((id) => contactKey(owner, id)),
  );
  // Contacts as this batch leaves them, by id; and match keys written so far.
  const current = new Map(
    found.flatMap((e) => (e.value ? [[e.value.id, e.value]] : [])),
  );
  const original = new Map(current);
  const created = new Set<string>();
  const now = new Date().toISOString();
  for (const row of batch) {
    const ids = new Set(
      matchKeys(owner, row.data).map((k) => idOf.get(JSON.stringify(k))).filter(
        (x): x is string => !!x && current.has(x),
      ),
    );
    if (!row.data.emails.length) {
      // Name pointer: only valid while that contact still has no email.
      for (const id of ids) {
        const c = current.get(id)!;
        if (c.emails.length || nameDedupeKey(c) !== nameDedupeKey(row.data)) {
          ids.delete(id);
        }
      }
    }
    if (ids.size > 1) {
      r.errors.push({
        line: row.line,
        message: "The row's emails belong to different contacts.",
      });
      continue;
    }
    const id = [...ids][0];
    if (!id) {
      const c: Contact = {
        id: newId(),
        ...row.data,
        createdAt: now,
        updatedAt: now,
      };
      current.set(c.id, c);
      created.add(c.id);
      for (const k of matchKeys(owner, c)) idOf.set(JSON.stringify(k), c.id);
      r.imported++;
      continue;
    }
    const before = current.get(id)!;
    let data: ContactData;
    try {
      data = merge(before, row.data);
    } catch (err) {
      r.errors.push({ line: row.line, message: firstProblem(err) });
      continue;
    }
    if (same(before, data)) {
      r.skipped++;
      continue;
    }
    const clash = data.emails.map((e) =>
      idOf.get(JSON.stringify(emailKey(owner, normalizeEmail(e.value))))
    )
      .find((other) => other && other !== id);
    if (clash) {
      r.errors.push({
        line: row.line,
        message: "An email of this row belongs to another contact.",
      });
      continue;
    }
    const after: Contact = { ...before, ...data, updatedAt: now };
    if (!data.phone) delete after.phone;
    for (
      const f of [
        "givenName",
        "familyName",
        "company",
        "title",
        "notes",
      ] as const
    ) {
      if (!data[f]) delete after[f];
    }
    current.set(id, after);
    for (const k of matchKeys(owner, after)) idOf.set(JSON.stringify(k), id);
    r.updated++; // every row lands in exactly one of the counts
  }
  let n = 0;
  for (const [id, c] of current) {
    const before = created.has(id) ? null : original.get(id) ?? null;
    if (before === c) continue;
    n += stageContact(op, owner, before, c);
  }
  if (n > max) {
    throw new BatchTooBig(`a batch needs ${n} KV mutations (limit ${max})`);
  }
  return [op, r];
}
