/**
 * The order a big import writes its rows in: sorted by name, so that one
 * batch's sort keys, group keys and (when addresses follow names, as they
 * usually do) email keys are neighbours in the store. KV keeps keys in a
 * B-tree: a batch of keys spread over the whole book rewrites one page per
 * key, a batch of neighbours a few pages (measured: 4× more contacts per
 * second on a 50,000-contact book, docs/PERFORMANCE.md).
 *
 * Rows that can reach the same contact (a shared email, or keys of one
 * stored contact) keep their file order, so "later rows win" merges come
 * out as in file order; rows without an email all keep their file order
 * (their name keys are known only after merging).
 * @module
 */

/** What decides a row's place: its match keys and its sort key. */
export interface Placement {
  /** Match keys (`contact_email\0address`); empty for a row without email. */
  keys: string[];
  /** Sort key of its name (keys.ts `sortKey`). */
  sort: string;
}

/**
 * Returns `rows` in write order: grouped by what they can match (each
 * group placed at the name of its first row, its rows in file order), the
 * groups sorted by that name. `known` maps the book's match keys to
 * contact ids.
 */
export function placeRows<T>(
  rows: T[],
  placements: Placement[],
  known: Map<string, string>,
): T[] {
  const n = rows.length;
  const parent = new Int32Array(n);
  for (let i = 0; i < n; i++) parent[i] = i;
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const union = (a: number, b: number) => {
    const ra = find(a), rb = find(b);
    // The earlier row is the group's root (its name places the group).
    if (ra < rb) parent[rb] = ra;
    else if (rb < ra) parent[ra] = rb;
  };
  const firstWith = new Map<string, number>();
  const link = (key: string, i: number) => {
    const j = firstWith.get(key);
    if (j === undefined) firstWith.set(key, i);
    else union(j, i);
  };
  for (let i = 0; i < n; i++) {
    const { keys } = placements[i];
    if (!keys.length) link("\u0000no email", i);
    for (const k of keys) {
      link(k, i);
      const id = known.get(k);
      if (id) link(`\u0000id ${id}`, i);
    }
  }
  const order = Array.from({ length: n }, (_, i) => i);
  const root = Int32Array.from(order, (i) => find(i));
  order.sort((a, b) => {
    const ra = root[a], rb = root[b];
    if (ra === rb) return a - b;
    const sa = placements[ra].sort, sb = placements[rb].sort;
    return sa < sb ? -1 : sa > sb ? 1 : ra - rb;
  });
  return order.map((i) => rows[i]);
}
