/**
 * Merging message lists by `seq`: ascending, one entry per seq, and the most
 * recent version of a message (edited or deleted) wins.
 * @module
 */
import type { Message } from "../protocol.ts";

function version(m: Message): number {
  if (m.deleted) return Number.MAX_SAFE_INTEGER;
  return m.editedAt ? Date.parse(m.editedAt) || 1 : 0;
}

/** The newer of two versions of the same message (ties keep `a`). */
export function newer(a: Message, b: Message): Message {
  return version(b) > version(a) ? b : a;
}

/**
 * Inserts `m` into `list` (ascending by seq) and returns a new array. A
 * message with the same seq is replaced only by a newer version, or always
 * when `replace` is true (edited/deleted frames).
 */
export function insertBySeq(
  list: readonly Message[],
  m: Message,
  replace = false,
): Message[] {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (list[mid].seq < m.seq) lo = mid + 1;
    else hi = mid;
  }
  const out = list.slice();
  if (lo < list.length && list[lo].seq === m.seq) {
    const next = replace ? m : newer(list[lo], m);
    if (next === list[lo]) return list as Message[];
    out[lo] = next;
    return out;
  }
  out.splice(lo, 0, m);
  return out;
}

/** Merges two ascending lists into one, deduplicated by seq. */
export function mergeBySeq(
  a: readonly Message[],
  b: readonly Message[],
): Message[] {
  const out: Message[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    let next: Message;
    if (y === undefined || (x !== undefined && x.seq < y.seq)) {
      next = x;
      i++;
    } else if (x === undefined || y.seq < x.seq) {
      next = y;
      j++;
    } else {
      next = newer(x, y);
      i++;
      j++;
    }
    const prev = out[out.length - 1];
    if (prev && prev.seq === next.seq) out[out.length - 1] = newer(prev, next);
    else out.push(next);
  }
  return out;
}
