/**
 * One import batch: match rows to existing contacts, merge, and stage every
 * write in one atomic (checked against the book revision).
 * @module
 */
import type { AppError } from "../errors.ts";
import { newId } from "../ids.ts";
import { BookWrite, type StoredContact } from "./book_write.ts";
import { getManyValues } from "./contacts.ts";
import type { BatchReport, Ready } from "./import_types.ts";
import {
  contactKey,
  emailIndexKey,
  emailKey,
  nameDedupeKey,
  nameKeyKey,
  revKey,
} from "./keys.ts";
import type { AtomicSize } from "./kv_size.ts";
import { normalizeEmail } from "./email.ts";
import { type Contact, type ContactData, TEXT_FIELDS } from "./model.ts";
import { toInput } from "./patch.ts";
import { validateContact } from "./validate.ts";

export type { Ready } from "./import_types.ts";

/** Thrown when a batch needs more than KV allows in one atomic. */
export class BatchTooBig extends Error {}

/** What one batch may use: mutations, bytes and key bytes. */
export interface BatchLimits {
  mutations: number;
  bytes: number;
  keys: number;
}

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
    ? d.emails.map((e) => emailKey(owner, emailIndexKey(e.value)))
    : [nameKeyKey(owner, nameDedupeKey(d))];
}

const keyId = (k: Deno.KvKey) => `${k[0] as string}\u0000${k[2] as string}`;

/** The book's match keys (email and name keys) in memory: key → id. */
export type MatchIndex = Map<string, string>;

/**
 * Reads every match key of the book when it has at most `max` of them (so
 * an import's batches need no lookups); null for bigger books.
 */
export async function loadMatchIndex(
  kv: Deno.Kv,
  owner: string,
  max = 250_000,
): Promise<MatchIndex | null> {
  const out: MatchIndex = new Map();
  for (const prefix of ["contact_email", "contact_namekey"]) {
    for await (
      const e of kv.list<string>({ prefix: [prefix, owner] }, {
        batchSize: 1000,
      })
    ) {
      if (out.size >= max) return null;
      out.set(keyId(e.key), e.value);
    }
  }
  return out;
}

/**
 * What a batch wrote, for the next batch to read while it commits: its
 * match keys (key → contact id) and its contacts as written.
 */
export interface Overlay {
  shard: string;
  keys: Map<string, string>;
  records: Map<string, StoredContact>;
  /** Settles when the batch is committed (or failed). */
  committed: Promise<unknown>;
}

/** A staged batch: its atomic (without the book check), counts, overlay. */
export interface BuiltBatch {
  op: Deno.AtomicOperation;
  report: BatchReport;
  overlay: Overlay;
}

/**
 * Matches, merges and stages one batch. Reads see the store as committed;
 * `prev` (the batch still committing) overrides what it wrote. The caller
 * adds the book revision check, so any other write in between makes the
 * commit fail and the batch is built again from fresh reads.
 */
export async function buildBatch(
  kv: Deno.Kv,
  owner: string,
  batch: Ready[],
  limits: BatchLimits,
  prev?: Overlay,
  known?: MatchIndex,
): Promise<BuiltBatch> {
  const r: BatchReport = { imported: 0, updated: 0, skipped: 0, errors: [] };
  const op = kv.atomic();
  const keys = batch.flatMap((row) => matchKeys(owner, row.data));
  const hits = known ? null : await getManyValues<string>(kv, keys);
  const idOf = new Map<string, string | null>();
  keys.forEach((k, j) => {
    const id = keyId(k);
    idOf.set(
      id,
      prev?.keys.get(id) ?? (known ? known.get(id) : hits![j].value) ?? null,
    );
  });
  const existingIds = [
    ...new Set([...idOf.values()].filter((x): x is string => !!x)),
  ];
  const unread = existingIds.filter((id) => !prev?.records.has(id));
  const found = await getManyValues<StoredContact>(
    kv,
    unread.map((id) => contactKey(owner, id)),
  );
  // Contacts as this batch leaves them, by id; and match keys written so far.
  const current = new Map<string, StoredContact>(
    found.flatMap((e) => (e.value ? [[e.value.id, e.value]] : [])),
  );
  for (const id of existingIds) {
    const c = prev?.records.get(id);
    if (c) current.set(id, c);
  }
  const original = new Map(current);
  const created = new Set<string>();
  /** Tokens of created contacts, computed when the batch was sized. */
  const tokensOf = new Map<string, string[] | undefined>();
  const now = new Date().toISOString();
  for (const row of batch) {
    const ids = new Set(
      matchKeys(owner, row.data).map((k) => idOf.get(keyId(k))).filter(
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
      tokensOf.set(c.id, row.tokens);
      for (const k of matchKeys(owner, c)) idOf.set(keyId(k), c.id);
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
      idOf.get(keyId(emailKey(owner, emailIndexKey(e.value))))
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
    tokensOf.delete(id); // merged: its tokens are no longer the row's
    for (const k of matchKeys(owner, after)) idOf.set(keyId(k), id);
    r.updated++; // every row lands in exactly one of the counts
  }
  // The batch's contacts share one new index shard.
  const write = new BookWrite(kv, owner);
  const overlay: Overlay = {
    shard: newId(),
    keys: new Map(),
    records: new Map(),
    committed: Promise.resolve(),
  };
  let touchesPrev = false;
  for (const [id, c] of current) {
    const before = created.has(id) ? null : original.get(id) ?? null;
    if (before === c) continue;
    if (prev && before?._ix === prev.shard) touchesPrev = true;
    overlay.records.set(
      id,
      write.change(before, c, overlay.shard, tokensOf.get(id))!,
    );
    for (const k of matchKeys(owner, c)) overlay.keys.set(keyId(k), id);
  }
  // Moving a contact out of the committing batch's shard reads that shard.
  if (touchesPrev) await prev!.committed;
  const size = await write.stage(op);
  size.set(revKey(owner), 0);
  size.key(revKey(owner), false);
  if (!within(size, limits)) {
    throw new BatchTooBig(
      `a batch needs ${size.mutations} KV mutations, ${size.bytes} bytes, ${size.keys} key bytes`,
    );
  }
  return { op, report: r, overlay };
}

/** True when `size` fits `limits`. */
export function within(size: AtomicSize, limits: BatchLimits): boolean {
  return size.mutations <= limits.mutations && size.bytes <= limits.bytes &&
    size.keys <= limits.keys;
}
