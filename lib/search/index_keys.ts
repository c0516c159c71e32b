/**
 * The message search index in KV, written in the same atomic operation as
 * the message (inside the group commit) and moved on edit and delete.
 *
 * | key | value |
 * |---|---|
 * | `["chat_sx", roomId, token, seq]` | `[createdAt ms, author hash, ...hashes of the tokens that follow this one]` |
 *
 * One entry per distinct token of a message (at most
 * {@link MAX_INDEXED_TOKENS}); a query word's prefix range is contiguous.
 * The hashes ({@link tokenHash}, 24 bits) let a query reject a candidate
 * for `from:` or a phrase without reading the message; a match is always
 * confirmed on the message. Entries written before these hashes hold only
 * the createdAt number, and are checked on the message.
 * @module
 */
import type { Message } from "../chat/protocol.ts";
import { indexTokens, MAX_INDEXED_TOKENS, words } from "./tokens.ts";

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

/** Upper bounds of what indexing `text` in `room` adds to an atomic. */
export function indexCost(
  room: string,
  text: string,
): { mutations: number; keyBytes: number; tokens: string[] } {
  const tokens = indexTokens(text);
  const roomBytes = enc.encode(room).length;
  let keyBytes = 0;
  for (const t of tokens) keyBytes += enc.encode(t).length + roomBytes + 32;
  return { mutations: tokens.length, keyBytes, tokens };
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

/** A posting's value: createdAt, and the hashes when written with them. */
export interface PostingValue {
  t: number;
  /** Hash of the author's username. */
  author?: number;
  /** Hashes of the tokens that follow this token in the message. */
  next?: number[];
}

/** Reads a stored posting value (either layout). */
export function readPosting(v: unknown): PostingValue {
  if (typeof v === "number") return { t: v };
  const a = v as number[];
  return { t: a[0], author: a[1], next: a.slice(2) };
}

/** The index entries of a message: one posting per distinct token. */
export function indexEntries(
  m: Message,
  tokens: string[] = indexTokens(m.text),
): [Deno.KvKey, number[]][] {
  const t = Date.parse(m.createdAt);
  const next = new Map<string, Set<number>>();
  const ws = words(m.text);
  for (let i = 0; i < ws.length; i++) {
    let set = next.get(ws[i].token);
    if (!set) next.set(ws[i].token, set = new Set());
    if (i + 1 < ws.length) set.add(tokenHash(ws[i + 1].token));
  }
  const author = tokenHash(m.author);
  return tokens.map((token) => [
    postingKey(m.room, token, m.seq),
    [t, author, ...(next.get(token) ?? [])],
  ]);
}

/** Adds the index entries of a new message (`tokens` from {@link indexCost}). */
export function writeIndex(
  op: Deno.AtomicOperation,
  m: Message,
  tokens: string[] = indexTokens(m.text),
): void {
  for (const [key, value] of indexEntries(m, tokens)) op.set(key, value);
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
  const next = after.deleted ? [] : indexTokens(after.text);
  const keep = new Set(next);
  for (const t of before.deleted ? [] : indexTokens(before.text)) {
    if (!keep.has(t)) op.delete(postingKey(before.room, t, before.seq));
  }
  if (next.length) writeIndex(op, after, next);
}
