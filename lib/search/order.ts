/**
 * The order of search results: newest first by (createdAt, room id, seq),
 * which is also what a cursor names.
 * @module
 */
import type { SearchCursor } from "./query.ts";

/** A place in result order. */
export interface ResultPlace {
  t: number;
  r: string;
  s: number;
}

/** True when candidate `a` sorts after (is older than) cursor `c`. */
export function below(a: ResultPlace, c: SearchCursor): boolean {
  return a.t < c.t ||
    (a.t === c.t && (a.r < c.r || (a.r === c.r && a.s < c.s)));
}

/** True when `a` comes before `b` in result order (newer first). */
export function newer(a: ResultPlace, b: ResultPlace): boolean {
  return a.t > b.t ||
    (a.t === b.t && (a.r > b.r || (a.r === b.r && a.s > b.s)));
}
