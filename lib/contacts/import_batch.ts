/**
 * One import batch: match rows to existing contacts, merge, and stage every
 * write in one atomic (checked against the book revision).
 * @module
 */
import type { AppError } from "../errors.ts";
import { newId } from "../ids.ts";
import { bookAtomic, getManyValues } from "./contacts.ts";
import type { BatchReport, Ready } from "./import_types.ts";
import {
  contactKey,
  emailKey,
  nameDedupeKey,
  nameKeyKey,
  stageContact,
} from "./keys.ts";
import {
  type Contact,
  type ContactData,
  normalizeEmail,
  TEXT_FIELDS,
  toInput,
  validateContact,
} from "./model.ts";

export type { Ready } from "./import_types.ts";

/** Thrown when a batch needs more mutations than allowed. */
export class BatchTooBig extends Error {}

const same = (a: ContactData, b: ContactData) =>
  JSON.stringify(validateContact(toInput(a))) === JSON.stringify(b);

/** Merges an imported row into an existing contact: new values win, lists unite. */
function merge(existing: Contact, row: ContactData): ContactData {
  const input = toInput(existing);
  for (const f of TEXT_FIELDS) {
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

/** The first field problem of a validation error, in words. */
export function firstProblem(err: unknown): string {
  const e = err as AppError;
  const f = e.fields && Object.entries(e.fields)[0];
  if (!f) return e.message;
  // "emails.0" → "email", "emails.2" → "email 3" (as people count them).
  const field = f[0].replace(
    /^(email|phone)s?(?:\.(\d+))?$/,
    (_, kind, n) => (n && n !== "0" ? `${kind} ${Number(n) + 1}` : kind),
  );
  return `${field}: ${f[1]}`;
}

/** Keys a row may match an existing contact by. */
function matchKeys(owner: string, d: ContactData): Deno.KvKey[] {
  return d.emails.length
    ? d.emails.map((e) => emailKey(owner, normalizeEmail(e.value)))
    : [nameKeyKey(owner, nameDedupeKey(d))];
}

/** Stages one batch; returns the atomic and the per-row counts. */
export async function writeBatch(
  kv: Deno.Kv,
  owner: string,
  batch: Ready[],
  max: number,
): Promise<[Deno.AtomicOperation, BatchReport]> {
  const r: BatchReport = { imported: 0, updated: 0, skipped: 0, errors: [] };
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
    for (const f of TEXT_FIELDS) {
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
