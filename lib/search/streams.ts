/**
 * Posting streams of one room, newest first: a token's postings
 * ({@link TokenIter}), a query word's postings as the merge of every token
 * it prefixes ({@link TermStream}), and the intersection of all words of a
 * query by leapfrogging ({@link intersect}).
 *
 * Reads are sized to what a query needs: a word's tokens are found by a
 * reverse skip-scan that also returns each token's newest posting (one KV
 * read per token), and older postings are read in pages that grow (4, 16,
 * 64, 256) only as a stream is consumed.
 * @module
 */
import {
  postingKey,
  readPosting,
  tokenHash,
  tokenPrefix,
} from "./index_keys.ts";

/** Most distinct index tokens one query word expands to per room. */
export const MAX_EXPANSION = 50;
/** First and largest page of older postings read for one token. */
const FIRST_PAGE = 4;
const LAST_PAGE = 256;

/** A posting: seq, createdAt (ms) and, when stored, the hashes. */
export interface Posting {
  s: number;
  t: number;
  author?: number;
  next?: number[];
}

/** A posting of `key`/`value` as stored. */
function posting(key: Deno.KvKey, value: unknown): Posting {
  return { s: key[3] as number, ...readPosting(value) };
}

/** One token's postings in a room, newest first, read in growing pages. */
class TokenIter {
  /** The newest posting not consumed yet, or null. */
  head: Posting | null;
  /** Entries and reads so far (how costly this token is, compared). */
  cost = 0;
  #buf: Posting[] = [];
  #at = 0;
  #page = FIRST_PAGE;
  /** True when nothing older than the buffer exists. */
  #end = false;

  constructor(
    readonly kv: Deno.Kv,
    readonly room: string,
    readonly token: string,
    head: Posting,
  ) {
    this.head = head;
  }

  /** Reads a page of postings with seq < `below`; each page is larger. */
  async #fill(below: number): Promise<void> {
    const limit = this.#page;
    this.#page = Math.min(LAST_PAGE, this.#page * 4);
    this.#buf = [];
    this.#at = 0;
    const iter = this.kv.list<unknown>({
      start: tokenPrefix(this.room, this.token),
      end: postingKey(this.room, this.token, below),
    }, { reverse: true, limit, batchSize: limit });
    for await (const e of iter) this.#buf.push(posting(e.key, e.value));
    this.cost += this.#buf.length + 1;
    this.#end = this.#buf.length < limit;
  }

  /** Consumes the head. */
  async next(): Promise<void> {
    if (!this.head) return;
    if (this.#at >= this.#buf.length) {
      if (this.#end) return void (this.head = null);
      await this.#fill(this.head.s);
    }
    this.head = this.#buf[this.#at++] ?? null;
  }

  /** Moves to the newest posting with seq ≤ `max`. */
  async seek(max: number): Promise<void> {
    if (!this.head || this.head.s <= max) return;
    while (this.#at < this.#buf.length && this.#buf[this.#at].s > max) {
      this.#at++;
    }
    if (this.#at < this.#buf.length) {
      this.head = this.#buf[this.#at++];
      return;
    }
    if (this.#end) return void (this.head = null);
    await this.#fill(max + 1);
    this.head = this.#buf[this.#at++] ?? null;
  }
}

/** A query word's postings in a room: the merge of its tokens, newest first, unique. */
export class TermStream {
  #iters: TokenIter[];
  constructor(iters: TokenIter[]) {
    this.#iters = iters;
  }

  /** Entries and reads so far over all its tokens. */
  get consumed(): number {
    return this.#iters.reduce((n, i) => n + i.cost, 0);
  }

  /** The newest posting not consumed yet, or null. */
  get head(): Posting | null {
    let best: Posting | null = null;
    for (const i of this.#iters) {
      if (i.head && (!best || i.head.s > best.s)) best = i.head;
    }
    return best;
  }

  /** Consumes the head (every token at that seq). */
  async pop(): Promise<void> {
    const h = this.head;
    if (!h) return;
    await Promise.all(
      this.#iters.filter((i) => i.head?.s === h.s).map((i) => i.next()),
    );
  }

  /** Drops postings with seq > `max`. */
  async seek(max: number): Promise<void> {
    await Promise.all(this.#iters.map((i) => i.seek(max)));
  }

  /**
   * The posting of exactly `token` at the head seq `s`: null when the
   * message has no such token, undefined when this stream cannot tell.
   */
  exact(token: string, s: number): Posting | null | undefined {
    const i = this.#iters.find((i) => i.token === token);
    if (!i) return undefined;
    return i.head?.s === s ? i.head : null;
  }
}

/** The newest entry in `sel`, or undefined. */
async function last(
  kv: Deno.Kv,
  sel: Deno.KvListSelector,
): Promise<Deno.KvEntry<unknown> | undefined> {
  for await (
    const e of kv.list<unknown>(sel, { reverse: true, limit: 1 })
  ) return e;
}

/**
 * A word's postings in `room` with seq ≤ `max`, or null when no token of
 * the room starts with it. Tokens are found from the end of the word's
 * prefix range backwards, each read returning the token's newest posting;
 * past {@link MAX_EXPANSION} tokens the word itself is still included.
 */
async function termStream(
  kv: Deno.Kv,
  room: string,
  term: string,
  max: number | undefined,
  exact: boolean,
): Promise<TermStream | null> {
  if (exact) {
    // A phrase word matches only itself: no other token can complete it.
    const e = await last(kv, { prefix: tokenPrefix(room, term) });
    if (!e) return null;
    const stream = new TermStream([
      new TokenIter(kv, room, term, posting(e.key, e.value)),
    ]);
    if (max !== undefined) await stream.seek(max);
    return stream;
  }
  const start = tokenPrefix(room, term);
  let end = tokenPrefix(room, term + "\u{10FFFF}");
  const iters: TokenIter[] = [];
  while (iters.length < MAX_EXPANSION) {
    const e = await last(kv, { start, end });
    if (!e) break;
    const token = e.key[2] as string;
    iters.push(new TokenIter(kv, room, token, posting(e.key, e.value)));
    // The word itself sorts first in its range: nothing is left below it.
    if (token === term) break;
    end = tokenPrefix(room, token);
  }
  if (iters.length === MAX_EXPANSION && iters.at(-1)!.token !== term) {
    const e = await last(kv, { prefix: tokenPrefix(room, term) });
    if (e) {
      iters.push(new TokenIter(kv, room, term, posting(e.key, e.value)));
    }
  }
  if (!iters.length) return null;
  const stream = new TermStream(iters);
  if (max !== undefined) await stream.seek(max);
  return stream;
}

/**
 * A word whose stream has read more than this many times the sparsest
 * one's entries, plus {@link DENSE_SLACK}, is dropped from the intersection.
 */
const DENSE_RATIO = 2;
const DENSE_SLACK = 16;

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
 * anyway (`matchMessage` in search.ts). A candidate whose postings show it
 * cannot match `filter` (another author; a phrase word missing or not
 * followed by the next one) comes out `rejected`, so that it is counted
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
  // The last word of a phrase is checked on the previous word's postings
  // (the tokens that follow it), so it needs no stream of its own.
  const firsts = new Set(filter.phrases.flatMap((p) => p.slice(0, -1)));
  const checked = new Set(
    filter.phrases.filter((p) => p.length > 1).map((p) => p.at(-1)!),
  );
  const unique = [...new Set(terms)].filter((t, _, all) =>
    !(checked.has(t) && !firsts.has(t)) &&
    (exact.has(t) ||
      !all.some((o) => o !== t && o.startsWith(t) && !exact.has(o)))
  );
  const streams = await Promise.all(
    unique.map((t) => termStream(kv, room, t, max, exact.has(t))),
  );
  if (streams.some((s) => s === null)) return;
  const byTerm = new Map(unique.map((t, i) => [t, streams[i]!]));
  // The first word of each adjacent pair of a phrase (its postings tell
  // which tokens follow it) is kept in the intersection.
  const pairs = filter.phrases.flatMap((p) =>
    p.slice(0, -1).map((w, i) => ({ w, next: tokenHash(p[i + 1]) }))
  );
  const keep = new Set(pairs.map((p) => byTerm.get(p.w)).filter((s) => s));
  const from = filter.from === undefined ? undefined : tokenHash(filter.from);
  let live = streams as TermStream[];
  const rejects = (s: number, head: Posting): boolean => {
    if (
      from !== undefined && head.author !== undefined && head.author !== from
    ) {
      return true;
    }
    for (const p of pairs) {
      const stream = byTerm.get(p.w);
      if (!stream || !live.includes(stream)) continue;
      const exact = stream.exact(p.w, s);
      if (exact === null) return true;
      if (exact?.next && !exact.next.includes(p.next)) return true;
    }
    return false;
  };
  while (true) {
    if (live.length > 1) {
      const least = Math.min(...live.map((s) => s.consumed));
      const limit = least * DENSE_RATIO + DENSE_SLACK;
      if (live.some((s) => s.consumed > limit && !keep.has(s))) {
        live = live.filter((s) => s.consumed <= limit || keep.has(s));
      }
    }
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
