/**
 * Listing and prefix search over the owner's contacts with cursor paging.
 *
 * Search reads the `contact_search` index: one entry per (token, contact),
 * keyed so that a query word's prefix range is contiguous. The longest
 * query word is scanned; the other words and the group filter are checked
 * against the entry's value (the contact's tokens and groups), so no query
 * reads the whole book. A contact matching through several tokens is
 * yielded once: at its smallest matching token.
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { parseLimit } from "../params.ts";
import { getContacts } from "./contacts.ts";
import { getGroup } from "./groups.ts";
import { contactTokens, MAX_TOKEN, tokenize } from "./keys.ts";
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

async function search(
  kv: Deno.Kv,
  owner: string,
  words: string[],
  group: string | undefined,
  limit: number,
  opts: ListOptions,
): Promise<ContactPage> {
  const [head, ...rest] = words;
  const word = head.slice(0, MAX_TOKEN);
  const base = ["contact_search", owner];
  const selector = {
    start: [...base, word],
    // Every string starting with `word` sorts below word + U+10FFFF.
    end: [...base, word + "\u{10FFFF}"],
  };
  // Yield once per contact: at its first token (sorted) matching `word`.
  const first = (_key: Deno.KvKey, prev: unknown) =>
    !String(prev).startsWith(word);
  const keep = (c: Contact) => {
    if (group && !c.groups.includes(group)) return false;
    if (!rest.length) return true;
    const tokens = contactTokens(c);
    return rest.every((w) => tokens.some((t) => t.startsWith(w)));
  };
  const filter = group || rest.length ? keep : undefined;
  return await scan(kv, owner, selector, limit, opts, first, filter);
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
