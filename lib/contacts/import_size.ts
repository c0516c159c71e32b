/**
 * Sizing an import batch: how many ready rows fit in one KV atomic, from an
 * estimate of the keys and bytes each row writes.
 * @module
 */
import { type BatchLimits, within } from "./import_batch.ts";
import type { Ready } from "./import_types.ts";
import { contactEntries, contactTokens } from "./keys.ts";
import { AtomicSize } from "./kv_size.ts";
import { partOf } from "./search_index.ts";

const ID = "0".repeat(26);

/** How many rows from `from` on fit in `target` (estimated, at least 1). */
export function batchSize(
  owner: string,
  ready: Ready[],
  from: number,
  end: number,
  target: BatchLimits,
): number {
  const size = new AtomicSize();
  size.set(["contacts_rev", owner], 0);
  const parts = new Set<string>();
  let n = 0;
  for (; from + n < end; n++) {
    const row = ready[from + n];
    const c = { ...row.data, id: ID, createdAt: ID, updatedAt: ID };
    for (const e of contactEntries(owner, c)) size.set(e.key, e.value);
    size.bytes += 12; // the record's shard name
    for (const t of row.tokens ?? contactTokens(c)) {
      size.bytes += t.length + ID.length + 2;
      const p = partOf(t);
      if (!parts.has(p)) {
        parts.add(p);
        size.set(["contact_ix", owner, p, ID, 0], "");
      }
    }
    if (!within(size, target)) return Math.max(1, n);
  }
  return n;
}
