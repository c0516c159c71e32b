/**
 * Posting streams of one room, newest first: a token's postings
 * ({@link TokenIter}), a query word's postings as the merge of every token
 * it prefixes ({@link TermStream}), and the intersection of all words of a
 * query by leapfrogging with seeks (a far seek re-opens the KV range below
 * the target instead of reading every entry in between).
 * @module
 */
import { postingKey, tokenPrefix } from "./index_keys.ts";

/** Most distinct index tokens one query word expands to per room. */
export const MAX_EXPANSION = 50;
/** A seek further than this many seqs re-opens the range instead of stepping. */
const SEEK_GAP = 128;

/** A posting: seq and createdAt (ms). */
export interface Posting {
  s: number;
  t: number;
}

/** The tokens of `room`'s index that start with `term` (at most {@link MAX_EXPANSION}). */
export async function expand(
  kv: Deno.Kv,
  room: string,
  term: string,
): Promise<string[]> {
  const tokens: string[] = [];
  let start: Deno.KvKey = tokenPrefix(room, term);
  const end: Deno.KvKey = tokenPrefix(room, term + "\u{10FFFF}");
  while (tokens.length < MAX_EXPANSION) {
    let next: string | undefined;
    for await (const e of kv.list({ start, end }, { limit: 1 })) {
      next = e.key[2] as string;
    }
    if (next === undefined) break;
    tokens.push(next);
    start = tokenPrefix(room, next + "\0");
  }
  return tokens;
}

/** One token's postings in a room, newest first, with seek. */
class TokenIter {
  head: Posting | null = null;
  #it!: AsyncIterator<Deno.KvEntry<number>>;
  constructor(
    readonly kv: Deno.Kv,
    readonly room: string,
    readonly token: string,
  ) {}

  /** Opens the range at postings with seq ≤ `max` (all when undefined). */
  async open(max?: number): Promise<void> {
    const prefix = tokenPrefix(this.room, this.token);
    const sel: Deno.KvListSelector = max === undefined
      ? { prefix }
      : { prefix, end: postingKey(this.room, this.token, max + 1) };
    this.#it = this.kv.list<number>(sel, { reverse: true, batchSize: 64 })[
      Symbol.asyncIterator
    ]();
    await this.next();
  }

  async next(): Promise<void> {
    const r = await this.#it.next();
    this.head = r.done
      ? null
      : { s: r.value.key[3] as number, t: r.value.value };
  }

  /** Moves to the newest posting with seq ≤ `max`. */
  async seek(max: number): Promise<void> {
    if (!this.head || this.head.s <= max) return;
    if (this.head.s - max > SEEK_GAP) return await this.open(max);
    while (this.head && this.head.s > max) await this.next();
  }
}

/** A query word's postings in a room: the merge of its tokens, newest first, unique. */
export class TermStream {
  #iters: TokenIter[];
  constructor(kv: Deno.Kv, room: string, tokens: string[]) {
    this.#iters = tokens.map((t) => new TokenIter(kv, room, t));
  }

  async open(max?: number): Promise<void> {
    await Promise.all(this.#iters.map((i) => i.open(max)));
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
}

/**
 * Postings of `room` containing every word (each as a prefix), newest
 * first, starting at seq ≤ `max`.
 */
export async function* intersect(
  kv: Deno.Kv,
  room: string,
  terms: string[],
  max?: number,
): AsyncGenerator<Posting> {
  const tokenLists = await Promise.all(terms.map((t) => expand(kv, room, t)));
  if (tokenLists.some((l) => l.length === 0)) return;
  const streams = tokenLists.map((l) => new TermStream(kv, room, l));
  await Promise.all(streams.map((s) => s.open(max)));
  while (true) {
    const heads = streams.map((s) => s.head);
    if (heads.some((h) => h === null)) return;
    const target = Math.min(...heads.map((h) => h!.s));
    if (heads.every((h) => h!.s === target)) {
      yield heads[0]!;
      await Promise.all(streams.map((s) => s.pop()));
      continue;
    }
    await Promise.all(
      streams.filter((s) => s.head!.s > target).map((s) => s.seek(target)),
    );
  }
}
