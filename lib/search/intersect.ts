/**
 * The intersection of all words of a query in one room, newest first, by
 * leapfrogging their posting streams (`streams.ts`), with candidates ruled
 * out on their postings where the hashes they carry allow it.
 * @module
 */
import { tokenHash } from "./index_keys.ts";
import { type Posting, type TermStream, termStream } from "./streams.ts";

/**
 * A word whose stream has read more than this many times the sparsest
 * one's entries, plus {@link DENSE_SLACK}, is dropped from the intersection.
 */
const DENSE_RATIO = 2;
const DENSE_SLACK = 16;
/**
 * Entries each word of a phrase pair has read before the denser one is
 * dropped (the other word's postings check the pair on their own).
 */
const PAIR_EVIDENCE = 20;

/** What a candidate can be rejected on before its message is read. */
export interface PostingFilter {
  /** Exact phrases (their tokens in order). */
  phrases: string[][];
  /** Only messages by this username. */
  from?: string;
}

/** A candidate: a posting, and whether the postings already rule it out. */
export interface Candidate extends Posting {
  rejected: boolean;
}

/**
 * Postings of `room` that may contain every word (each as a prefix), newest
 * first, starting at seq ≤ `max`. Words are intersected by leapfrogging,
 * except that a word whose postings cost much more to step through than
 * another's is dropped once that shows: reading the few extra messages costs
 * less, and every candidate's message is checked against the whole query
 * anyway (`matchMessage` in search.ts). Of two adjacent words of a phrase,
 * one always stays: its postings tell which tokens come next to it (the
 * first word's the ones after, the second word's the ones before), so the
 * sparser of the two is the one stepped through. A candidate whose postings
 * show it cannot match `filter` (another author; a phrase word missing or
 * not next to its neighbour) comes out `rejected`, so that it is counted
 * without reading its message.
 */
export async function* intersect(
  kv: Deno.Kv,
  room: string,
  terms: string[],
  max?: number,
  filter: PostingFilter = { phrases: [] },
): AsyncGenerator<Candidate> {
  // Words of a phrase must be there exactly; any other word as a prefix,
  // and a word that another one starts with adds nothing ("be" in "be best").
  const exact = new Set(filter.phrases.flat());
  const unique = [...new Set(terms)].filter((t, _, all) =>
    exact.has(t) ||
    !all.some((o) => o !== t && o.startsWith(t) && !exact.has(o))
  );
  const streams = await Promise.all(
    unique.map((t) => termStream(kv, room, t, max, exact.has(t))),
  );
  if (streams.some((s) => s === null)) return;
  const byTerm = new Map(unique.map((t, i) => [t, streams[i]!]));
  const pairs = filter.phrases.flatMap((p) =>
    p.slice(0, -1).map((w, i) => ({
      first: byTerm.get(w)!,
      second: byTerm.get(p[i + 1])!,
      firstToken: w,
      secondToken: p[i + 1],
      firstHash: tokenHash(w),
      secondHash: tokenHash(p[i + 1]),
    }))
  );
  const from = filter.from === undefined ? undefined : tokenHash(filter.from);
  let live = streams as TermStream[];
  const rejects = (s: number, head: Posting): boolean => {
    if (
      from !== undefined && head.author !== undefined && head.author !== from
    ) {
      return true;
    }
    for (const p of pairs) {
      if (live.includes(p.first)) {
        const first = p.first.exact(p.firstToken, s);
        if (first === null) return true;
        if (first?.next && !first.next.includes(p.secondHash)) return true;
      }
      if (live.includes(p.second)) {
        const second = p.second.exact(p.secondToken, s);
        if (second === null) return true;
        if (second?.prev && !second.prev.includes(p.firstHash)) return true;
      }
    }
    return false;
  };
  /** True when every phrase pair `s` is in keeps another word live. */
  const partnered = (s: TermStream, rest: TermStream[]) =>
    pairs.every((p) =>
      (p.first !== s && p.second !== s) ||
      rest.includes(p.first === s ? p.second : p.first)
    );
  /** Drops streams much denser than the sparsest, keeping one word of each pair. */
  const dropDense = () => {
    const least = Math.min(...live.map((s) => s.consumed));
    const limit = least * DENSE_RATIO + DENSE_SLACK;
    const dense = live.filter((s) => s.consumed > limit)
      .sort((a, b) => b.consumed - a.consumed);
    for (const s of dense) {
      const rest = live.filter((o) => o !== s);
      if (partnered(s, rest)) live = rest;
    }
    // Either word of a phrase pair can tell whether the other is next to
    // it: the denser one goes as soon as both have shown their density.
    for (const p of pairs) {
      if (!live.includes(p.first) || !live.includes(p.second)) continue;
      if (Math.min(p.first.consumed, p.second.consumed) < PAIR_EVIDENCE) {
        continue;
      }
      const denser = p.first.consumed > p.second.consumed ? p.first : p.second;
      const rest = live.filter((o) => o !== denser);
      if (partnered(denser, rest)) live = rest;
    }
  };
  while (true) {
    if (live.length > 1) dropDense();
    const heads = live.map((s) => s.head);
    if (heads.some((h) => h === null)) return;
    const target = Math.min(...heads.map((h) => h!.s));
    if (heads.every((h) => h!.s === target)) {
      yield { ...heads[0]!, rejected: rejects(target, heads[0]!) };
      await Promise.all(live.map((s) => s.pop()));
      continue;
    }
    await Promise.all(
      live.filter((s) => s.head!.s > target).map((s) => s.seek(target)),
    );
  }
}
