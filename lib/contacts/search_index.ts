/**
 * The contacts search index: per-owner token shards.
 *
 * ```
 * ["contact_ix", owner, part, shard, n] -> "token\tid id …\ntoken\tid …"
 * ["contact_ixv", owner, shard]          -> version of the shard (number)
 * ```
 *
 * `part` is a token's first two characters; `shard` is the id of the write
 * that indexed the contacts (an import batch, or a contact's own id); `n`
 * numbers the pieces of a partition too big for one KV value. Each contact
 * is indexed in exactly one shard, named by its record's `_ix`, so one
 * import batch of hundreds of contacts writes a few hundred index keys (one
 * per partition it touches), not one key per token per contact. A query
 * word reads only its partition (`"jos"` → every `["contact_ix", owner,
 * "jo"]` entry) and keeps the ids of tokens starting with the word.
 * @module
 */
import { stringBytes } from "./kv_size.ts";

/** Key prefix of the index. */
export const INDEX = "contact_ix";
/** Most bytes of one index value (KV allows 65,536). */
const PIECE_BYTES = 60_000;

/** The partition of a token (or of a query word of 2+ characters). */
export const partOf = (token: string): string => token.slice(0, 2);

/** Key of one piece of a partition. */
export const pieceKey = (
  owner: string,
  part: string,
  shard: string,
  n: number,
): Deno.KvKey => [INDEX, owner, part, shard, n];

/**
 * Version of a shard, bumped by every write that rewrites its partitions
 * in place (checked by one-contact writes).
 */
export const shardVersionKey = (owner: string, shard: string): Deno.KvKey => [
  "contact_ixv",
  owner,
  shard,
];

/** One partition of one shard, decoded: token → ids. */
export type Partition = Map<string, Set<string>>;

/** Decodes a partition piece into `into`. */
export function decodePiece(text: string, into: Partition): void {
  for (const line of text.split("\n")) {
    const tab = line.indexOf("\t");
    if (tab < 0) continue;
    const token = line.slice(0, tab);
    let ids = into.get(token);
    if (!ids) into.set(token, ids = new Set());
    for (const id of line.slice(tab + 1).split(" ")) if (id) ids.add(id);
  }
}

/** Encodes a partition into pieces of at most 60,000 bytes each. */
export function encodePartition(p: Partition): string[] {
  const lines: string[] = [];
  for (const [token, ids] of p) {
    let line = "";
    for (const id of ids) {
      // A token with very many ids is split over several lines.
      if (line.length > 12_000) {
        lines.push(line);
        line = "";
      }
      line = line ? line + " " + id : token + "\t" + id;
    }
    if (line) lines.push(line);
  }
  const pieces: string[] = [];
  let cur: string[] = [];
  let chars = 0;
  let wide = false;
  for (const line of lines) {
    const w = wide || stringBytes(line) > line.length;
    if (cur.length && (chars + line.length + 1) * (w ? 2 : 1) > PIECE_BYTES) {
      pieces.push(cur.join("\n"));
      cur = [];
      chars = 0;
    }
    wide = (cur.length ? wide : false) || stringBytes(line) > line.length;
    cur.push(line);
    chars += line.length + 1;
  }
  if (cur.length) pieces.push(cur.join("\n"));
  return pieces;
}

/**
 * Pieces read recently, per KV handle: selector → the pieces and the
 * versionstamp of the book revision they were read under. Every write to
 * the index (BookWrite.stage) commits in an atomic that sets the book
 * revision, so pieces read under the current revision are still exact.
 * Bounded by characters held; least recently used go first.
 */
const caches = new WeakMap<Deno.Kv, PieceCache>();
interface PieceCache {
  entries: Map<string, CachedPieces>;
  chars: number;
}
interface CachedPieces {
  stamp: string;
  texts: string[];
  chars: number;
}
/** Most characters of index text cached per KV handle (~12-24 MB). */
const CACHE_CHARS = 12_000_000;

/** Forgets every cached piece (benchmarks measure cold reads with it). */
export function clearIndexCache(kv: Deno.Kv): void {
  caches.delete(kv);
}

/** The pieces of a selector: cached when read under revision `stamp`. */
async function piecesOf(
  kv: Deno.Kv,
  id: string,
  selector: Deno.KvListSelector,
  stamp: string | null,
): Promise<string[]> {
  let cache = caches.get(kv);
  const hit = cache?.entries.get(id);
  if (hit && stamp !== null && hit.stamp === stamp) {
    cache!.entries.delete(id); // most recently used last
    cache!.entries.set(id, hit);
    return hit.texts;
  }
  const texts: string[] = [];
  let chars = 0;
  for await (const e of kv.list<string>(selector, { batchSize: 1000 })) {
    texts.push(e.value);
    chars += e.value.length;
  }
  if (stamp === null || chars > CACHE_CHARS / 4) return texts;
  cache = caches.get(kv);
  if (!cache) caches.set(kv, cache = { entries: new Map(), chars: 0 });
  const old = cache.entries.get(id);
  if (old) {
    cache.entries.delete(id);
    cache.chars -= old.chars;
  }
  cache.entries.set(id, { stamp, texts, chars });
  cache.chars += chars;
  for (const [key, e] of cache.entries) {
    if (cache.chars <= CACHE_CHARS) break;
    cache.entries.delete(key);
    cache.chars -= e.chars;
  }
  return texts;
}

/**
 * Ids of the owner's contacts with a token starting with `word` (folded,
 * non-empty). Reads the word's partition(s) only; `stamp` is the
 * versionstamp of the book revision read before (pieces read under the
 * same revision are reused; null: no reuse).
 */
export async function idsWithPrefix(
  kv: Deno.Kv,
  owner: string,
  word: string,
  stamp: string | null = null,
): Promise<Set<string>> {
  const one = word.length < 2;
  const selector: Deno.KvListSelector = one
    // One character: every partition starting with it (incl. itself).
    ? { start: [INDEX, owner, word], end: [INDEX, owner, word + "\u{10FFFF}"] }
    : { prefix: [INDEX, owner, partOf(word)] };
  const id = `${owner}\u0000${one ? "*" + word : partOf(word)}`;
  const out = new Set<string>();
  for (const text of await piecesOf(kv, id, selector, stamp)) {
    addIdsWithPrefix(text, word, out);
  }
  return out;
}

/**
 * Adds to `out` the ids of the lines of a piece whose token starts with
 * `word`. Finds those lines with `indexOf` (no split of the whole piece):
 * most lines of a partition do not start with a 3+ character word.
 */
export function addIdsWithPrefix(
  text: string,
  word: string,
  out: Set<string>,
): void {
  const needle = "\n" + word;
  let start = text.startsWith(word) ? 0 : text.indexOf(needle);
  if (start > 0 || (start === 0 && !text.startsWith(word))) start++;
  while (start >= 0 && start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const tab = text.indexOf("\t", start);
    if (tab >= 0 && tab < end) {
      for (let i = tab + 1; i < end;) {
        let sp = text.indexOf(" ", i);
        if (sp < 0 || sp > end) sp = end;
        if (sp > i) out.add(text.slice(i, sp));
        i = sp + 1;
      }
    }
    const next = text.indexOf(needle, end);
    start = next < 0 ? -1 : next + 1;
  }
}
