/**
 * The message search index in KV, written in the same atomic operation as
 * the message (inside the group commit) and moved on edit and delete.
 *
 * | key | value |
 * |---|---|
 * | `["chat_sx", roomId, token, seq]` | createdAt in ms since the epoch |
 *
 * One entry per distinct token of a message (at most
 * {@link MAX_INDEXED_TOKENS}); a query word's prefix range is contiguous.
 * @module
 */
import type { Message } from "../chat/protocol.ts";
import { indexTokens, MAX_INDEXED_TOKENS } from "./tokens.ts";

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

/** The index entries of a message: one posting per distinct token. */
export function indexEntries(
  m: Message,
  tokens: string[] = indexTokens(m.text),
): [Deno.KvKey, number][] {
  const t = Date.parse(m.createdAt);
  return tokens.map((token) => [postingKey(m.room, token, m.seq), t]);
}

/** Adds the index entries of a new message (`tokens` from {@link indexCost}). */
export function writeIndex(
  op: Deno.AtomicOperation,
  m: Message,
  tokens: string[] = indexTokens(m.text),
): void {
  for (const [key, t] of indexEntries(m, tokens)) op.set(key, t);
}

/** Moves the index of a message from `before` to `after` (edit or delete). */
export function updateIndex(
  op: Deno.AtomicOperation,
  before: Message,
  after: Message,
): void {
  const old = new Set(before.deleted ? [] : indexTokens(before.text));
  const next = new Set(after.deleted ? [] : indexTokens(after.text));
  for (const t of old) {
    if (!next.has(t)) op.delete(postingKey(before.room, t, before.seq));
  }
  const time = Date.parse(after.createdAt);
  for (const t of next) {
    if (!old.has(t)) op.set(postingKey(after.room, t, after.seq), time);
  }
}
