/**
 * Checks that an address book's stored keys agree with its records: every
 * email, name, sort, group and search-index entry belongs to a contact and
 * every contact has all of its entries (the "consistent book" of a test).
 * @module
 */
import assert from "node:assert/strict";
import type { StoredContact } from "../../lib/contacts/book_write.ts";
import { contactEntries, contactTokens } from "../../lib/contacts/keys.ts";
import {
  decodePiece,
  type Partition,
} from "../../lib/contacts/search_index.ts";

/** Asserts the book of `owner` is consistent; returns its contact count. */
export async function assertConsistentBook(
  kv: Deno.Kv,
  owner: string,
): Promise<number> {
  const records = new Map<string, StoredContact>();
  for await (
    const e of kv.list<StoredContact>({ prefix: ["contact", owner] })
  ) {
    records.set(e.value.id, e.value);
  }
  const want = new Set<string>();
  const pairs = new Set<string>();
  for (const c of records.values()) {
    assert.ok(c._ix, `contact ${c.id} has an index shard`);
    for (const e of contactEntries(owner, c).slice(1)) {
      if (e.key[0] !== "contact_namekey") want.add(JSON.stringify(e.key));
    }
    for (const t of contactTokens(c)) pairs.add(`${c._ix}|${t}|${c.id}`);
  }
  const have = new Set<string>();
  for (const prefix of ["contact_email", "contact_sorted", "contact_group"]) {
    for await (const e of kv.list({ prefix: [prefix, owner] })) {
      have.add(JSON.stringify(e.key));
    }
  }
  assert.deepEqual([...have].sort(), [...want].sort(), "index keys");
  const found = new Set<string>();
  for await (const e of kv.list<string>({ prefix: ["contact_ix", owner] })) {
    const [, , part, shard] = e.key as string[];
    const p: Partition = new Map();
    decodePiece(e.value, p);
    for (const [t, ids] of p) {
      assert.equal(t.slice(0, 2), part, "token in its partition");
      for (const id of ids) found.add(`${shard}|${t}|${id}`);
    }
  }
  assert.deepEqual([...found].sort(), [...pairs].sort(), "search index");
  const old = await Array.fromAsync(
    kv.list({ prefix: ["contact_search", owner] }),
  );
  assert.equal(old.length, 0, "no keys of the old search layout");
  return records.size;
}
