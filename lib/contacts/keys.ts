/**
 * KV key layout of the address book and the index entries one contact owns.
 *
 * ```
 * ["contact", owner, id]                        -> Contact (+ `_ix`: its index shard)
 * ["contact_email", owner, normalisedEmail]     -> id      (unique)
 * ["contact_namekey", owner, name|phone]        -> id      (contacts without email; import dedupe)
 * ["contact_sorted", owner, sortKey, id]        -> 1       (alphabetical listing)
 * ["contact_group", owner, groupId, sortKey, id]-> 1       (group filter)
 * ["contact_ix", owner, part, shard, n]        -> tokens and ids (search_index.ts)
 * ["contacts_rev", owner]                       -> number  (book revision, checked by every write)
 * ["group", owner, id]                          -> Group
 * ["group_name", owner, lowerName]              -> id      (unique)
 * ```
 * @module
 */
import { normalizeEmail } from "./email.ts";
import type { Contact } from "./model.ts";

const emailKeys = new Map<string, string>();

/**
 * `normalizeEmail`, remembered: an import computes the key of one address
 * several times (validation, matching, index entries) and the IDNA step is
 * the costly part. Bounded: forgets everything past 10,000 addresses.
 */
export function emailIndexKey(address: string): string {
  let key = emailKeys.get(address);
  if (key === undefined) {
    if (emailKeys.size >= 10_000) emailKeys.clear();
    emailKeys.set(address, key = normalizeEmail(address));
  }
  return key;
}

/** Longest token kept in the search index (longer ones are cut). */
export const MAX_TOKEN = 40;
/** Most search tokens per contact. */
export const MAX_TOKENS = 40;

export const contactKey = (owner: string, id: string): Deno.KvKey => [
  "contact",
  owner,
  id,
];
export const emailKey = (owner: string, email: string): Deno.KvKey => [
  "contact_email",
  owner,
  email,
];
export const nameKeyKey = (owner: string, key: string): Deno.KvKey => [
  "contact_namekey",
  owner,
  key,
];
export const revKey = (owner: string): Deno.KvKey => ["contacts_rev", owner];
export const groupKey = (owner: string, id: string): Deno.KvKey => [
  "group",
  owner,
  id,
];
export const groupNameKey = (owner: string, name: string): Deno.KvKey => [
  "group_name",
  owner,
  fold(name),
];

/** Lower case without diacritics: "José" → "jose". */
export function fold(s: string): string {
  return s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();
}

/** Splits text into search tokens (letters and digits, folded). */
export function tokenize(s: string): string[] {
  return fold(s).split(/[^\p{L}\p{N}]+/u).filter(Boolean).map((t) =>
    t.slice(0, MAX_TOKEN)
  );
}

/** The searchable tokens of a contact: name, nickname, emails, company, phones. */
export function contactTokens(
  c: Omit<Contact, "id" | "createdAt" | "updatedAt">,
): string[] {
  const set = new Set<string>();
  const add = (s?: string) => s && tokenize(s).forEach((t) => set.add(t));
  add(c.name);
  add(c.givenName);
  add(c.familyName);
  add(c.nickname);
  c.emails.forEach((e) => add(e.value));
  add(c.company);
  for (const p of c.phones) {
    // "+34 600 111 222" → 34600111222, 600111222, 111222, 222: digits
    // typed with or without spaces match from any group boundary (each
    // group is a prefix of the token starting there).
    const groups = p.value.split(/\D+/).filter(Boolean);
    for (let i = 0; i < groups.length; i++) {
      set.add(groups.slice(i).join("").slice(0, MAX_TOKEN));
    }
    add(p.value.replace(/[\d\s()+\-./]+/g, " ")); // words such as "ext"
  }
  return [...set].sort().slice(0, MAX_TOKENS);
}

/** Sort key for alphabetical listing. */
export function sortKey(c: { name: string }): string {
  return fold(c.name).trim().slice(0, 100);
}

/** The dedupe key of a contact without email: name and first phone. */
export function nameDedupeKey(c: Pick<Contact, "name" | "phones">): string {
  const digits = c.phones[0]?.value.replace(/\D/g, "") ?? "";
  return `${fold(c.name).replace(/\s+/g, " ").trim()}|${digits}`;
}

/** One KV entry (key and value) that a contact owns. */
export interface IndexEntry {
  key: Deno.KvKey;
  value: unknown;
}

/**
 * The entries a stored contact owns besides its search tokens (those live
 * in shared shards, see search_index.ts), the record first.
 */
export function contactEntries(owner: string, c: Contact): IndexEntry[] {
  const out: IndexEntry[] = [{ key: contactKey(owner, c.id), value: c }];
  for (const e of c.emails) {
    out.push({ key: emailKey(owner, emailIndexKey(e.value)), value: c.id });
  }
  if (!c.emails.length) {
    out.push({ key: nameKeyKey(owner, nameDedupeKey(c)), value: c.id });
  }
  const sk = sortKey(c);
  out.push({ key: ["contact_sorted", owner, sk, c.id], value: 1 });
  for (const g of c.groups) {
    out.push({ key: ["contact_group", owner, g, sk, c.id], value: 1 });
  }
  return out;
}
