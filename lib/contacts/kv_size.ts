/**
 * Estimates of what an atomic costs against Deno KV's limits, so batches
 * can be sized by bytes as well as by mutations (issue 14 item 10).
 * Estimates err on the large side.
 * @module
 */

/** Deno KV's limits per atomic (also denokv's). */
export const KV_LIMITS = {
  mutations: 1000,
  /** Total size of keys and values of the mutations. */
  mutationBytes: 800 * 1024,
  /** Total size of the keys of checks and mutations. */
  keyBytes: 80 * 1024,
  /** One value. */
  valueBytes: 65_536,
  /** Checks that denokv (self-hosted, KV Connect) allows. */
  checks: 10,
} as const;

// deno-lint-ignore no-control-regex
const NON_LATIN1 = /[^\u0000-\u00ff]/;

/** Bytes of one string as V8 serialises it (Latin-1 or UTF-16). */
export function stringBytes(s: string): number {
  return NON_LATIN1.test(s) ? 2 * s.length : s.length;
}

// deno-lint-ignore no-control-regex
const ASCII = /^[\u0001-\u007f]*$/;
const utf8 = new TextEncoder();

/** Encoded size of a key (tuple encoding: tag, UTF-8 bytes, terminator). */
export function keyBytes(key: Deno.KvKey): number {
  let n = 0;
  for (const part of key) {
    if (typeof part !== "string") n += 10;
    else if (ASCII.test(part)) n += 2 + part.length;
    // NUL bytes are escaped (2 bytes); count every byte as if it were.
    else n += 2 + 2 * utf8.encode(part).length;
  }
  return n;
}

/** Serialised size of a value (upper estimate of V8's format). */
export function valueBytes(v: unknown): number {
  if (typeof v === "string") return 6 + stringBytes(v);
  if (typeof v === "number" || typeof v === "boolean") return 10;
  if (v === null || v === undefined) return 2;
  if (Array.isArray(v)) {
    let n = 8;
    for (const x of v) n += valueBytes(x);
    return n;
  }
  if (typeof v === "object") {
    let n = 8;
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      n += 6 + k.length + valueBytes(x);
    }
    return n;
  }
  return 16;
}

/** A running total of one atomic's cost. */
export class AtomicSize {
  mutations = 0;
  bytes = 0;
  keys = 0;

  /** Counts a set of `key` to `value`. */
  set(key: Deno.KvKey, value: unknown): void {
    const k = keyBytes(key);
    this.mutations++;
    this.keys += k;
    this.bytes += k + valueBytes(value);
  }

  /** Counts a delete of `key` (or a check, with `mutation` false). */
  key(key: Deno.KvKey, mutation = true): void {
    const k = keyBytes(key);
    if (mutation) this.mutations++;
    this.keys += k;
    if (mutation) this.bytes += k;
  }

  /** True when the totals fit in `share` (0..1) of every KV limit. */
  fits(share = 1): boolean {
    return this.mutations <= KV_LIMITS.mutations * share &&
      this.bytes <= KV_LIMITS.mutationBytes * share &&
      this.keys <= KV_LIMITS.keyBytes * share;
  }
}
