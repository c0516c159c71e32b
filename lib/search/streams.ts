/**
 * Posting streams of one room, newest first: a token's postings
 * ({@link TokenIter}) and a query word's postings as the merge of every
 * token it prefixes ({@link TermStream}, opened by {@link termStream}).
 * `intersect.ts` intersects the words of a query.
 *
 * Reads are sized to what a query needs: a word's tokens are found by a
 * reverse skip-scan that also returns each token's newest posting (one KV
 * read per token), and older postings are read in pages that grow (4, 8,
 * … 64) only as a stream is consumed; the next page is read while the last
 * few postings of a page are being used.
 * @module
 */
import { postingKey, tokenPrefix } from "./index_keys.ts";
import { type PostingValue, readPosting } from "./posting_value.ts";

/** Most distinct index tokens one query word expands to per room. */
export const MAX_EXPANSION = 50;
/**
 * First and largest page of older postings read for one token; each page
 * is twice the last. Small pages waste little where a query stops, and
 * reading ahead hides their round trips.
 */
const FIRST_PAGE = 4;
const LAST_PAGE = 64;
/** Postings left in the buffer when the next page starts being read. */
const READ_AHEAD_AT = 8;

/** A posting: seq, createdAt (ms) and, when stored, the hashes. */
export interface Posting extends PostingValue {
  s: number;
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
  /** The page after the buffer, being read, and the size asked for. */
  #ahead: { page: Promise<Posting[]>; limit: number } | null = null;

  constructor(
    readonly kv: Deno.Kv,
    readonly room: string,
    readonly token: string,
    head: Posting,
  ) {
    this.head = head;
  }

  /** Reads up to `limit` postings with seq < `below`, newest first. */
  async #read(below: number, limit: number): Promise<Posting[]> {
    const page: Posting[] = [];
    const iter = this.kv.list<unknown>({
      start: tokenPrefix(this.room, this.token),
      end: postingKey(this.room, this.token, below),
    }, { reverse: true, limit, batchSize: limit });
    for await (const e of iter) page.push(posting(e.key, e.value));
    return page;
  }

  /** The next page's size; each page is larger. */
  #grow(): number {
    const limit = this.#page;
    this.#page = Math.min(LAST_PAGE, this.#page * 2);
    return limit;
  }

  /**
   * Starts reading the page after the buffer while the buffer is consumed,
   * so that KV reads overlap the work on the postings already read.
   */
  #readAhead(): void {
    if (this.#end || this.#ahead || !this.#buf.length) return;
    const limit = this.#grow();
    const page = this.#read(this.#buf.at(-1)!.s, limit);
    page.catch(() => {}); // awaited (and thrown) when used
    this.#ahead = { page, limit };
  }

  /** Fills the buffer with postings with seq < `below`. */
  async #fill(below: number): Promise<void> {
    const ahead = this.#ahead;
    this.#ahead = null;
    let limit = ahead?.limit ?? this.#grow();
    let page = ahead ? await ahead.page : await this.#read(below, limit);
    this.cost += page.length + 1;
    let at = 0;
    while (at < page.length && page[at].s >= below) at++;
    if (at === page.length && page.length === limit) {
      // A seek past everything read ahead: read from `below` itself.
      limit = this.#grow();
      page = await this.#read(below, limit);
      this.cost += page.length + 1;
      at = 0;
    }
    this.#buf = page;
    this.#at = at;
    this.#end = page.length < limit;
  }

  /** Consumes the head. */
  async next(): Promise<void> {
    if (!this.head) return;
    if (this.#at >= this.#buf.length) {
      if (this.#end) return void (this.head = null);
      await this.#fill(this.head.s);
    }
    this.head = this.#buf[this.#at++] ?? null;
    if (this.#buf.length - this.#at <= READ_AHEAD_AT) this.#readAhead();
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
export async function termStream(
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
