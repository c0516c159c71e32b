/**
 * Posting blocks: many postings of one token in one room packed into one
 * KV value by compaction (`compaction.ts`), so that a query steps through
 * old postings a block at a time instead of one KV entry each.
 *
 * | key | value |
 * |---|---|
 * | `["chat_sx", roomId, token, "b", hi]` | bytes: version, lo (float64), count (uint32), then per posting, newest first: hi − seq or the previous seq − seq (LEB128), and its value (`posting_value.ts`) |
 *
 * A block holds the token's postings with lo < seq ≤ hi; the blocks of a
 * token never overlap. They sort before the token's single postings
 * (strings before numbers in KV keys), inside the token's prefix range.
 * @module
 */
import { tokenPrefix } from "./index_keys.ts";
import { postingLength, readPosting } from "./posting_value.ts";
import type { Posting } from "./streams.ts";

const VERSION = 1;
/** Most bytes of one block (KV values may hold 64 KiB). */
export const MAX_BLOCK_BYTES = 60_000;

/** The key of the block of `token` in `room` ending at seq `hi`. */
export const blockKey = (
  room: string,
  token: string,
  hi: number,
): Deno.KvKey => ["chat_sx", room, token, "b", hi];

/** A block read back: its range and postings, newest first. */
export interface Block {
  lo: number;
  hi: number;
  postings: Posting[];
}

/**
 * Packs postings (seq and encoded value, newest first, all in (lo, hi])
 * into blocks of at most {@link MAX_BLOCK_BYTES}: `[hi, bytes]` each, newest
 * first, their ranges adjoining and covering (lo, hi] together.
 */
export function encodeBlocks(
  lo: number,
  hi: number,
  postings: [number, Uint8Array][],
): [number, Uint8Array][] {
  const out: [number, Uint8Array][] = [];
  let start = 0;
  let top = hi;
  while (start < postings.length) {
    const parts: number[] = [];
    let size = 13;
    let end = start;
    let prev = top;
    for (; end < postings.length; end++) {
      const [seq, value] = postings[end];
      const delta = leb(prev - seq);
      if (end > start && size + delta.length + value.length > MAX_BLOCK_BYTES) {
        break;
      }
      size += delta.length + value.length;
      parts.push(end);
      prev = seq;
    }
    // The last block reaches down to `lo`; an earlier one to the next's top.
    const bottom = end < postings.length ? postings[end - 1][0] - 1 : lo;
    const bytes = new Uint8Array(size);
    const view = new DataView(bytes.buffer);
    bytes[0] = VERSION;
    view.setFloat64(1, bottom);
    view.setUint32(9, end - start);
    let at = 13;
    prev = top;
    for (const i of parts) {
      const [seq, value] = postings[i];
      const delta = leb(prev - seq);
      bytes.set(delta, at);
      at += delta.length;
      bytes.set(value, at);
      at += value.length;
      prev = seq;
    }
    out.push([top, bytes]);
    top = bottom;
    start = end;
  }
  return out;
}

/** Reads a block stored at `hi`. */
export function decodeBlock(hi: number, bytes: Uint8Array): Block {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lo = view.getFloat64(1);
  const count = view.getUint32(9);
  const postings: Posting[] = new Array(count);
  let at = 13;
  let seq = hi;
  for (let i = 0; i < count; i++) {
    let delta = 0;
    let shift = 1;
    while (true) {
      const b = bytes[at++];
      delta += (b & 0x7f) * shift;
      if (b < 0x80) break;
      shift *= 128;
    }
    seq -= delta;
    const len = postingLength(bytes, at);
    postings[i] = { s: seq, ...readPosting(bytes.subarray(at, at + len)) };
    at += len;
  }
  return { lo, hi, postings };
}

/** `n` ≥ 0 as unsigned LEB128. */
function leb(n: number): Uint8Array {
  const out: number[] = [];
  do {
    const low = n % 128;
    n = Math.floor(n / 128);
    out.push(n > 0 ? low | 0x80 : low);
  } while (n > 0);
  return new Uint8Array(out);
}

/** Selector of the blocks of `token` in `room` with hi < `below`. */
export function blocksBelow(
  room: string,
  token: string,
  below?: number,
): Deno.KvListSelector {
  return {
    start: [...tokenPrefix(room, token), "b"],
    end: below === undefined
      ? [...tokenPrefix(room, token), "b\u0000"]
      : blockKey(room, token, below),
  };
}
