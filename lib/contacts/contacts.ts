/**
 * The address book: contact CRUD scoped to one owner (a user id). Every
 * write goes through one atomic that checks the book revision, so indexes
 * (email, sort, group, search) never drift from the record.
 * @module
 */
import { AppError, NotFoundError } from "../errors.ts";
import { newId } from "../ids.ts";
import { commitWithRetry } from "../kv.ts";
import { isId } from "../params.ts";
import { normalizeEmail } from "./email.ts";
import type { Contact, ContactData, ContactInput } from "./model.ts";
import { applyPatch } from "./patch.ts";
import { validateContact } from "./validate.ts";
import { BookWrite, publicContact, type StoredContact } from "./book_write.ts";
import {
  contactKey,
  emailKey,
  groupKey,
  nameDedupeKey,
  nameKeyKey,
  revKey,
} from "./keys.ts";

export type { Contact, ContactInput } from "./model.ts";

/** Reads many keys, 10 per call (KV's getMany limit), calls in parallel. */
export async function getManyValues<T>(
  kv: Deno.Kv,
  keys: Deno.KvKey[],
): Promise<Array<Deno.KvEntryMaybe<T>>> {
  const calls: Promise<Array<Deno.KvEntryMaybe<T>>>[] = [];
  for (let i = 0; i < keys.length; i += 10) {
    calls.push(kv.getMany<T[]>(keys.slice(i, i + 10)));
  }
  return (await Promise.all(calls)).flat();
}

/** The contact `id` of `owner`, or null (never another owner's). */
export async function findContact(
  kv: Deno.Kv,
  owner: string,
  id: string,
): Promise<Contact | null> {
  const c = await findStoredContact(kv, owner, id);
  return c && publicContact(c);
}

/** The stored record (with its index shard), or null. */
export async function findStoredContact(
  kv: Deno.Kv,
  owner: string,
  id: string,
): Promise<StoredContact | null> {
  if (!isId(id)) return null; // cannot exist (and may be too long for KV)
  return (await kv.get<StoredContact>(contactKey(owner, id))).value;
}

/** The contact `id` of `owner`; NotFoundError otherwise. */
export async function getContact(
  kv: Deno.Kv,
  owner: string,
  id: string,
): Promise<Contact> {
  const c = await findContact(kv, owner, id);
  if (!c) throw new NotFoundError("No such contact.");
  return c;
}

/** Several contacts by id, in the given order, skipping missing ones. */
export async function getContacts(
  kv: Deno.Kv,
  owner: string,
  ids: string[],
): Promise<Contact[]> {
  const entries = await getManyValues<StoredContact>(
    kv,
    ids.filter(isId).map((id) => contactKey(owner, id)),
  );
  return entries.flatMap((e) => (e.value ? [publicContact(e.value)] : []));
}

/** Stored records by id (with their index shard), skipping missing ones. */
export async function getStoredContacts(
  kv: Deno.Kv,
  owner: string,
  ids: string[],
): Promise<StoredContact[]> {
  const entries = await getManyValues<StoredContact>(
    kv,
    ids.filter(isId).map((id) => contactKey(owner, id)),
  );
  return entries.flatMap((e) => (e.value ? [e.value] : []));
}

/** The owner's contact with this email address (any of its emails). */
export async function findContactByEmail(
  kv: Deno.Kv,
  owner: string,
  email: string,
): Promise<Contact | null> {
  const id = (await kv.get<string>(emailKey(owner, normalizeEmail(email))))
    .value;
  return id ? await findContact(kv, owner, id) : null;
}

/**
 * Returns `groups` without ids of groups deleted meanwhile that the contact
 * already had (`had`); a new id that is not one of the owner's groups is a
 * field error. (A group deleted while the write commits leaves an id that
 * later edits drop, as above.)
 */
async function checkGroups(
  kv: Deno.Kv,
  owner: string,
  groups: string[],
  had: string[] = [],
): Promise<string[]> {
  const entries = await getManyValues(
    kv,
    groups.map((g) => groupKey(owner, g)),
  );
  const missing = groups.filter((_, i) => !entries[i].value);
  const unknown = missing.filter((g) => !had.includes(g));
  if (unknown.length) {
    throw new AppError(400, "invalid_contact", "Unknown group.", {
      groups: `Unknown group: ${unknown[0]}`,
    });
  }
  return groups.filter((g) => !missing.includes(g));
}

/** Throws 409 `duplicate_email` when another contact has one of the emails. */
async function checkEmailsFree(
  kv: Deno.Kv,
  owner: string,
  data: ContactData,
  selfId: string | null,
  op: Deno.AtomicOperation,
) {
  const keys = data.emails.map((e) => emailKey(owner, normalizeEmail(e.value)));
  const entries = await getManyValues<string>(kv, keys);
  entries.forEach((entry, i) => {
    if (entry.value && entry.value !== selfId) {
      const msg = `${data.emails[i].value} is already in your contacts.`;
      const field = i === 0 ? "email" : `emails.${i}`;
      throw new AppError(409, "duplicate_email", msg, { [field]: msg });
    }
    // Uniqueness: the key must still be free (or ours) at commit time.
    op.check({ key: entry.key, versionstamp: entry.versionstamp });
  });
}

/** Builds a stored contact from data, keeping id and createdAt. */
function stored(
  data: ContactData,
  id: string,
  createdAt: string,
  now = new Date().toISOString(),
): Contact {
  return { id, ...data, createdAt, updatedAt: now };
}

/**
 * Starts an atomic that checks and bumps the owner's book revision; every
 * contact and group write uses it so concurrent writes retry, not clash.
 */
export async function bookAtomic(
  kv: Deno.Kv,
  owner: string,
): Promise<{ op: Deno.AtomicOperation }> {
  // Wrapped: an AtomicOperation cannot be awaited (it traps `then`).
  const rev = await kv.get<number>(revKey(owner));
  return {
    op: kv.atomic().check(rev).set(revKey(owner), (rev.value ?? 0) + 1),
  };
}

/**
 * Starts an atomic for a one-contact write: it bumps the book revision (so
 * batch writers that check it, such as an import, retry) without checking
 * it: the write is guarded by its own checks (the record, its email keys
 * and its index shard), so a long import cannot starve it.
 */
async function contactAtomic(
  kv: Deno.Kv,
  owner: string,
): Promise<{ op: Deno.AtomicOperation }> {
  const rev = await kv.get<number>(revKey(owner));
  return { op: kv.atomic().set(revKey(owner), (rev.value ?? 0) + 1) };
}

/** Options of {@link createContact}. */
export interface CreateOptions {
  /**
   * Restore a deleted contact under its old id (undo): the id must be free
   * (409 `exists` otherwise) and groups deleted meanwhile are dropped.
   */
  restoreId?: string;
  /** The restored contact's original creation time. */
  createdAt?: string;
}

/** Creates a contact. 400 with field errors; 409 when an email is taken. */
export async function createContact(
  kv: Deno.Kv,
  owner: string,
  input: ContactInput,
  opts: CreateOptions = {},
): Promise<Contact> {
  const data = validateContact(input);
  if (opts.restoreId !== undefined && !isId(opts.restoreId)) {
    throw new AppError(400, "invalid_contact", "Not a valid contact id.");
  }
  const id = opts.restoreId ?? newId();
  const now = new Date().toISOString();
  const createdAt = opts.createdAt && !isNaN(Date.parse(opts.createdAt))
    ? new Date(opts.createdAt).toISOString()
    : now;
  return await commitWithRetry(kv, async () => {
    const { op } = await contactAtomic(kv, owner);
    const had = opts.restoreId ? data.groups : [];
    data.groups = await checkGroups(kv, owner, data.groups, had);
    if (opts.restoreId) {
      const existing = await kv.get(contactKey(owner, id));
      if (existing.value) {
        throw new AppError(409, "exists", "This contact exists already.");
      }
      op.check(existing);
    }
    await checkEmailsFree(kv, owner, data, null, op);
    const contact = stored(data, id, createdAt, now);
    const write = new BookWrite(kv, owner);
    write.change(null, contact);
    await write.stage(op, { checkShards: true });
    return [op, contact];
  });
}

/** Applies a partial update (see `applyPatch`); 404 for unknown ids. */
export async function updateContact(
  kv: Deno.Kv,
  owner: string,
  id: string,
  patch: ContactInput,
): Promise<Contact> {
  if (!isId(id)) throw new NotFoundError("No such contact.");
  return await commitWithRetry(kv, async () => {
    const { op } = await contactAtomic(kv, owner);
    const entry = await kv.get<StoredContact>(contactKey(owner, id));
    if (!entry.value) throw new NotFoundError("No such contact.");
    const before = entry.value;
    const data = validateContact(applyPatch(before, patch));
    data.groups = await checkGroups(kv, owner, data.groups, before.groups);
    op.check(entry);
    await checkEmailsFree(kv, owner, data, id, op);
    const after = stored(data, id, before.createdAt);
    const write = new BookWrite(kv, owner);
    write.change(before, after);
    await write.stage(op, { checkShards: true });
    return [op, after];
  });
}

/** Deletes a contact and all its index entries; 404 for unknown ids. */
export async function deleteContact(
  kv: Deno.Kv,
  owner: string,
  id: string,
): Promise<void> {
  if (!isId(id)) throw new NotFoundError("No such contact.");
  await commitWithRetry(kv, async () => {
    const { op } = await contactAtomic(kv, owner);
    const entry = await kv.get<StoredContact>(contactKey(owner, id));
    const before = entry.value;
    if (!before) throw new NotFoundError("No such contact.");
    op.check(entry);
    const write = new BookWrite(kv, owner);
    write.change(before, null);
    await write.stage(op, { checkShards: true });
    await dropNameKey(kv, owner, before, op);
    return [op, undefined];
  });
}

/** Deletes the contact's name dedupe pointer when it still points to it. */
export async function dropNameKey(
  kv: Deno.Kv,
  owner: string,
  c: Contact,
  op: Deno.AtomicOperation,
) {
  if (c.emails.length) return;
  const key = nameKeyKey(owner, nameDedupeKey(c));
  if ((await kv.get<string>(key)).value === c.id) op.delete(key);
}
