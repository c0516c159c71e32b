/**
 * The value of a search posting, as bytes: KV stores a `Uint8Array` as it
 * is, so reading a posting back costs no structured-clone decoding (most
 * of what a query does is read postings).
 *
 * | bytes | content |
 * |---|---|
 * | 0–5 | createdAt (ms), big-endian |
 * | 6–8 | hash of the author's username |
 * | 9 | n, the number of hashes of the tokens that follow this one |
 * | 10… | n hashes, 3 bytes each |
 * | then | m, the number of hashes of the tokens before this one, and m hashes |
 *
 * A count of {@link UNKNOWN} means "too many to keep": nothing can be
 * ruled out on that side. Values of the earlier layouts are read too: a
 * number (createdAt only) and an array `[createdAt, author, ...next]`.
 * @module
 */

/** A posting's value: createdAt, and the hashes when written with them. */
export interface PostingValue {
  t: number;
  /** Hash of the author's username. */
  author?: number;
  /** Hashes of the tokens that follow this token in the message. */
  next?: number[];
  /** Hashes of the tokens that come before this token in the message. */
  prev?: number[];
}

/** A count meaning the hashes on that side were not kept. */
const UNKNOWN = 255;

/** Encodes a posting value (hashes are 24-bit). */
export function encodePosting(
  t: number,
  author: number,
  next: Iterable<number>,
  prev: Iterable<number>,
): Uint8Array {
  const after = [...next];
  const before = [...prev];
  const keep = (xs: number[]) => xs.length < UNKNOWN ? xs : [];
  const out = new Uint8Array(
    11 + 3 * (keep(after).length + keep(before).length),
  );
  const high = Math.floor(t / 2 ** 32);
  out[0] = high >>> 8;
  out[1] = high & 0xff;
  new DataView(out.buffer).setUint32(2, t >>> 0);
  let at = 6;
  const put = (h: number) => {
    out[at++] = h >>> 16;
    out[at++] = (h >>> 8) & 0xff;
    out[at++] = h & 0xff;
  };
  put(author);
  for (const xs of [after, before]) {
    out[at++] = xs.length < UNKNOWN ? xs.length : UNKNOWN;
    for (const h of keep(xs)) put(h);
  }
  return out;
}

/** Reads `n` 3-byte hashes from `b` at `at`. */
function hashes(b: Uint8Array, at: number, n: number): number[] {
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++, at += 3) {
    out[i] = (b[at] << 16) | (b[at + 1] << 8) | b[at + 2];
  }
  return out;
}

/** Reads a stored posting value (any layout). */
export function readPosting(v: unknown): PostingValue {
  if (typeof v === "number") return { t: v };
  if (v instanceof Uint8Array) {
    const t = ((v[0] << 8) | v[1]) * 2 ** 32 +
      ((v[2] << 24) >>> 0) + ((v[3] << 16) | (v[4] << 8) | v[5]);
    const author = (v[6] << 16) | (v[7] << 8) | v[8];
    const n = v[9];
    const at = 10 + (n === UNKNOWN ? 0 : 3 * n);
    const m = v[at];
    return {
      t,
      author,
      next: n === UNKNOWN ? undefined : hashes(v, 10, n),
      prev: m === UNKNOWN ? undefined : hashes(v, at + 1, m),
    };
  }
  const a = v as number[];
  return { t: a[0], author: a[1], next: a.slice(2) };
}
