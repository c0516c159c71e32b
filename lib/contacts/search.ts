/**
 * Listing and prefix search over the owner's contacts with cursor paging.
 *
 * Search reads the token shards of search_index.ts: each query word reads
 * its partition only, and a contact matches when every word is a prefix of
 * one of its tokens. Results come in id (creation) order, so no query reads
 * the whole book or fetches contacts it does not return (except to check a
 * group filter).
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { parseLimit } from "../params.ts";
import { getContacts } from "./contacts.ts";
import { getGroup } from "./groups.ts";
import { MAX_TOKEN, revKey, tokenize } from "./keys.ts";
import { idsWithPrefix } from "./search_index.ts";
import type { Contact } from "./model.ts";

/** Options of a listing. */
export interface ListOptions {
  /** Search text: every word must be a prefix of a name/email/company/phone word. */
  q?: string;
  /** Only contacts in this group (id). */
  group?: string;
  cursor?: string;
  /** Page size, 1..200 (default 50); a query-string value is accepted. */
  limit?: number | string;
  /** Most index entries one call may read before answering (default 5000). */
  scanBudget?: number;
}

/** A page of contacts; `cursor` is "" at the end. */
export interface ContactPage {
  contacts: Contact[];
  cursor: string;
}

/** Largest page size. */
export const MAX_LIMIT = 200;

function pageSize(limit: number | string | undefined): number {
  return parseLimit(limit, { fallback: 50, max: MAX_LIMIT });
}

/**
 * Lists the owner's contacts: alphabetical, or filtered by `group`, or
 * matching `q` (prefix, case- and accent-insensitive).
 */
export async function listContacts(
  kv: Deno.Kv,
  owner: string,
  opts: ListOptions = {},
): Promise<ContactPage> {
  const limit = pageSize(opts.limit);
  const words = [...new Set(tokenize(opts.q ?? ""))].sort((a, b) =>
    b.length - a.length
  );
  if (opts.group) await getGroup(kv, owner, opts.group);
  if (words.length) {
    return await search(kv, owner, words, opts.group, limit, opts);
  }
  const prefix = opts.group
    ? ["contact_group", owner, opts.group]
    : ["contact_sorted", owner];
  return await scan(kv, owner, { prefix }, limit, opts, () => true);
}

/** A search cursor: "s." and the last id answered. */
const ID_CURSOR = /^s\.([0-9A-Za-z_-]{1,64})$/;
const idCursor = (id: string) => `s.${id}`;

/** The `n` smallest ids above `after`, sorted (without sorting them all). */
function smallest(ids: Iterable<string>, after: string, n: number): string[] {
  const best: string[] = [];
  for (const id of ids) {
    if (id <= after) continue;
    if (best.length === n && id >= best[n - 1]) continue;
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (best[mid] < id) lo = mid + 1;
      else hi = mid;
    }
    best.splice(lo, 0, id);
    if (best.length > n) best.pop();
  }
  return best;
}

/**
 * Search: each word's ids come from its index partition; the answer is
 * their intersection in id (creation) order, paged by the last id. With a
 * group filter, candidates are read (at most `scanBudget` per call) and
 * checked for the group.
 */
async function search(
  kv: Deno.Kv,
  owner: string,
  words: string[],
  group: string | undefined,
  limit: number,
  opts: ListOptions,
): Promise<ContactPage> {
  const m = opts.cursor ? ID_CURSOR.exec(opts.cursor) : null;
  if (opts.cursor && !m) {
    throw new BadRequestError("The cursor is not valid.", "invalid_cursor");
  }
  const after = m?.[1] ?? "";
  // Index pieces read under this revision of the book may be reused.
  const { versionstamp } = await kv.get(revKey(owner));
  const sets = await Promise.all(
    words.map((w) =>
      idsWithPrefix(kv, owner, w.slice(0, MAX_TOKEN), versionstamp)
    ),
  );
  sets.sort((a, b) => a.size - b.size);
  const [smallestSet, ...others] = sets;
  const matches = others.length
    ? [...smallestSet].filter((id) => others.every((s) => s.has(id)))
    : smallestSet;
  if (!group) {
    const ids = smallest(matches, after, limit + 1);
    const contacts = await getContacts(kv, owner, ids.slice(0, limit));
    return {
      contacts,
      cursor: ids.length > limit ? idCursor(ids[limit - 1]) : "",
    };
  }
  const ids = [...matches].filter((id) => id > after).sort();
  const budget = Math.max(opts.scanBudget ?? 5000, 1);
  const out: Contact[] = [];
  let read = 0;
  while (read < ids.length && read < budget) {
    const chunk = ids.slice(read, Math.min(read + 200, budget));
    for (const c of await getContacts(kv, owner, chunk)) {
      if (!c.groups.includes(group)) continue;
      if (out.length === limit) {
        return { contacts: out, cursor: idCursor(out[limit - 1].id) };
      }
      out.push(c);
    }
    read += chunk.length;
  }
  // Budget spent: a (maybe short) page and a cursor to continue from.
  if (read < ids.length) {
    return { contacts: out, cursor: idCursor(ids[read - 1]) };
  }
  return { contacts: out, cursor: "" };
}

/**
 * Reads index entries in chunks, fetches their contacts, keeps those
 * `accept` likes. Stops after `limit` + 1 matches (so the cursor is ""
 * exactly at the end) or after `scanBudget` entries.
 */
async function scan(
  kv: Deno.Kv,
  owner: string,
  selector: Deno.KvListSelector,
  limit: number,
  opts: ListOptions,
  accept: (key: Deno.KvKey, value: unknown) => boolean,
  keep?: (contact: Contact) => boolean,
): Promise<ContactPage> {
  const filtered = !!keep;
  const budget = opts.scanBudget ?? 5000;
  if (opts.cursor && !/^[A-Za-z0-9_\-+/=]{1,4096}$/.test(opts.cursor)) {
    throw new BadRequestError("The cursor is not valid.", "invalid_cursor");
  }
  const iter = kv.list(selector, {
    cursor: opts.cursor || undefined,
    batchSize: Math.min(500, limit + 1),
  });
  const out: Contact[] = [];
  let cursor = "";
  let read = 0;
  let more = false;
  try {
    for (let ended = false; !ended;) {
      const chunk: Array<{ key: Deno.KvKey; cursor: string }> = [];
      let last = "";
      // Filtered scans read bigger chunks: their contacts load in parallel.
      const want = Math.max(limit + 1 - out.length, filtered ? 200 : 20);
      while (chunk.length < want && read < budget) {
        const next = await iter.next();
        if (next.done) {
          ended = true;
          break;
        }
        read++;
        last = iter.cursor;
        if (accept(next.value.key, next.value.value)) {
          chunk.push({ key: next.value.key, cursor: iter.cursor });
        }
      }
      const ids = chunk.map((e) => e.key[e.key.length - 1] as string);
      const byId = new Map(
        (await getContacts(kv, owner, ids)).map((c) => [c.id, c]),
      );
      for (const [i, e] of chunk.entries()) {
        const c = byId.get(ids[i]);
        if (!c || (keep && !keep(c))) continue;
        if (out.length === limit) {
          return { contacts: out, cursor }; // one more match: a next page
        }
        out.push(c);
        cursor = e.cursor;
      }
      if (!ended && read >= budget) {
        more = true; // budget spent: the client asks again from here
        cursor = last || cursor;
        break;
      }
    }
  } catch (err) {
    if (/cursor/i.test(String(err))) {
      throw new BadRequestError("The cursor is not valid.", "invalid_cursor");
    }
    throw err;
  }
  return { contacts: out, cursor: more ? cursor : "" };
}
