/**
 * The message search index in KV, written in the same atomic operation as
 * the message (inside the group commit) and moved on edit and delete.
 *
 * | key | value |
 * |---|---|
 * | `["chat_sx", roomId, token, seq]` | bytes: createdAt ms, author hash, hashes of the tokens that follow this one and of those before it (`posting_value.ts`) |
 *
 * One entry per distinct token of a message (at most
 * {@link MAX_INDEXED_TOKENS}); a query word's prefix range is contiguous.
 * The hashes ({@link tokenHash}, 24 bits) let a query reject a candidate
 * for `from:` or a phrase without reading the message, whichever word of
 * the phrase it steps through; a match is always confirmed on the message.
 * Entries of earlier layouts are read too (`readPosting`); what they cannot
 * tell is checked on the message.
 * @module
 */
import type { Message } from "../chat/protocol.ts";
import { encodePosting } from "./posting_value.ts";
import { indexTokens, MAX_INDEXED_TOKENS, type Word, words } from "./tokens.ts";

export { MAX_INDEXED_TOKENS };

export const postingKey = (
  room: string,
  token: string,
  seq: number,
): Deno.KvKey => ["chat_sx", room, token, seq];
export const tokenPrefix = (room: string, token: string): Deno.KvKey => [
  "chat_sx",
  room,
  token,
];

const enc = new TextEncoder();

/** What indexing a text writes: its words and the distinct tokens indexed. */
export interface IndexedText {
  words: Word[];
  tokens: string[];
}

/** The words of `text` and the tokens they index (tokenised once). */
export function indexedText(text: string): IndexedText {
  const ws = words(text);
  return { words: ws, tokens: indexTokens(ws) };
}

/** Upper bounds of what indexing `text` in `room` adds to an atomic. */
export function indexCost(
  room: string,
  text: string,
): { mutations: number; keyBytes: number; indexed: IndexedText } {
  const indexed = indexedText(text);
  const { tokens } = indexed;
  const roomBytes = enc.encode(room).length;
  let keyBytes = 0;
  for (const t of tokens) keyBytes += enc.encode(t).length + roomBytes + 32;
  return { mutations: tokens.length, keyBytes, indexed };
}

/** A 24-bit FNV-1a hash of a token or username (small in KV's encoding). */
export function tokenHash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0xffffff;
}

/** Adds `hash` to the set kept for `token`. */
function addTo(map: Map<string, Set<number>>, token: string, hash?: number) {
  let set = map.get(token);
  if (!set) map.set(token, set = new Set());
  if (hash !== undefined) set.add(hash);
}

/** The index entries of a message: one posting per distinct token. */
export function indexEntries(
  m: Message,
  indexed: IndexedText = indexedText(m.text),
): [Deno.KvKey, Uint8Array][] {
  const t = Date.parse(m.createdAt);
  const next = new Map<string, Set<number>>();
  const prev = new Map<string, Set<number>>();
  const ws = indexed.words;
  const hashes = ws.map((w) => tokenHash(w.token));
  for (let i = 0; i < ws.length; i++) {
    addTo(next, ws[i].token, hashes[i + 1]);
    addTo(prev, ws[i].token, hashes[i - 1]);
  }
  const author = tokenHash(m.author);
  return indexed.tokens.map((token) => [
    postingKey(m.room, token, m.seq),
    encodePosting(t, author, next.get(token)!, prev.get(token)!),
  ]);
}

/** Adds the index entries of a new message (`indexed` from {@link indexCost}). */
export function writeIndex(
  op: Deno.AtomicOperation,
  m: Message,
  indexed: IndexedText = indexedText(m.text),
): void {
  for (const [key, value] of indexEntries(m, indexed)) op.set(key, value);
}

/**
 * Moves the index of a message from `before` to `after` (edit or delete):
 * tokens no longer there are deleted, every token of `after` is written
 * again (the tokens that follow a word may have changed).
 */
export function updateIndex(
  op: Deno.AtomicOperation,
  before: Message,
  after: Message,
): void {
  const next = after.deleted ? undefined : indexedText(after.text);
  const keep = new Set(next?.tokens);
  for (const t of before.deleted ? [] : indexedText(before.text).tokens) {
    if (!keep.has(t)) op.delete(postingKey(before.room, t, before.seq));
  }
  if (next?.tokens.length) writeIndex(op, after, next);
}
