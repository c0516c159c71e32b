/**
 * Message search over the rooms a user may read now (their memberships):
 * newest first, every query word matching a word prefix, accent- and
 * case-insensitive, with phrases, `from:` and `in:#room`.
 *
 * Each room yields candidates from the intersection of the query words'
 * postings (`intersect.ts`), newest first; rooms open lazily, newest
 * activity first, and are merged by (createdAt, room id, seq), which is
 * also the cursor: paging is gap-free. A candidate not ruled out by its
 * postings is read and checked against the whole query (`match.ts`), so
 * edits, deletes, phrases and filters are always exact. A request examines
 * at most {@link SCAN_BUDGET} candidates, then answers with a cursor.
 * @module
 */
import { getManyChunked, msgKey, msgPrefix, seqKey } from "../chat/keys.ts";
import type { Message } from "../chat/protocol.ts";
import { type RoomView, viewRoom } from "../chat/room_access.ts";
import { intersect } from "./intersect.ts";
import { type Highlight, matchMessage } from "./match.ts";
import { encodeCursor, type SearchQuery } from "./query.ts";
import { readableRooms } from "./readable_rooms.ts";
import { below, newer } from "./order.ts";
import { readMessages } from "./read_messages.ts";

export type { Highlight };

/** Most candidates one request examines before answering (with a cursor). */
export const SCAN_BUDGET = 1000;

/** One result. */
export interface SearchHit {
  room: RoomView;
  message: Message;
  highlights: Highlight[];
}

/** A page of results, newest first; `cursor` is "" when there is no more. */
export interface SearchPage {
  results: SearchHit[];
  cursor: string;
}

interface Candidate {
  t: number;
  r: string;
  s: number;
  message?: Message;
  /** Ruled out by its postings (author, phrase): no need to read it. */
  rejected?: boolean;
}

/**
 * What a candidate ruled out by its postings costs against the scan budget,
 * compared with one whose message is read and checked.
 */
const REJECTED_COST = 0.1;

/** Rooms with messages and the createdAt (ms) of their latest, newest first. */
async function latestTimes(
  kv: Deno.Kv,
  rooms: string[],
): Promise<{ r: string; t: number }[]> {
  const seqs = await getManyChunked<number>(kv, rooms.map(seqKey));
  const have = rooms.flatMap((r, i) => {
    const seq = seqs[i].value ?? 0;
    return seq > 0 ? [{ r, seq }] : [];
  });
  const last = await getManyChunked<Message>(
    kv,
    have.map(({ r, seq }) => msgKey(r, seq)),
  );
  return have.map(({ r }, i) => ({
    r,
    // A missing latest message (deleted log?) opens the room first.
    t: last[i].value ? Date.parse(last[i].value!.createdAt) : Infinity,
  })).sort((a, b) => b.t - a.t);
}

/** One room's candidates, newest first. */
async function* roomCandidates(
  kv: Deno.Kv,
  room: string,
  q: SearchQuery,
): AsyncGenerator<Candidate> {
  const c = q.cursor;
  const capSeq = c && c.r === room ? c.s : undefined;
  const keep = (x: Candidate) =>
    (!c || below(x, c)) && (q.before === undefined || x.t < q.before);
  const done = (x: Candidate) => q.after !== undefined && x.t <= q.after;
  if (!q.terms.length) {
    const sel: Deno.KvListSelector = capSeq !== undefined
      ? { prefix: msgPrefix(room), end: msgKey(room, capSeq) }
      : { prefix: msgPrefix(room) };
    for await (
      const e of kv.list<Message>(sel, { reverse: true, batchSize: 100 })
    ) {
      const m = e.value;
      const x = { t: Date.parse(m.createdAt), r: room, s: m.seq, message: m };
      if (done(x)) return;
      if (keep(x)) yield x;
    }
    return;
  }
  const filter = { phrases: q.phrases, from: q.from };
  for await (const p of intersect(kv, room, q.terms, capSeq, filter)) {
    const x = { t: p.t, r: room, s: p.s, rejected: p.rejected };
    if (done(x)) return;
    if (keep(x)) yield x;
  }
}

/**
 * Searches the rooms `user` belongs to now. A `room` the user cannot read
 * is a NotFoundError (never a hint that it exists).
 */
export async function searchMessages(
  kv: Deno.Kv,
  user: string,
  q: SearchQuery,
  budget = SCAN_BUDGET,
): Promise<SearchPage> {
  const rooms = await readableRooms(kv, user, q);
  const byId = new Map(rooms.map((r) => [r.id, r]));
  // Rooms open lazily, newest activity first: a room whose latest message
  // is older than every head so far cannot hold the next result yet.
  const waiting = await latestTimes(kv, rooms.map((r) => r.id));
  const streams: AsyncGenerator<Candidate>[] = [];
  const heads: IteratorResult<Candidate>[] = [];
  const openDue = async (than: number) => {
    const due: string[] = [];
    while (waiting.length && waiting[0].t >= than) due.push(waiting.shift()!.r);
    const opened = due.map((r) => roomCandidates(kv, r, q));
    heads.push(...await Promise.all(opened.map((s) => s.next())));
    streams.push(...opened);
  };
  const pickBest = async (): Promise<number> => {
    let best = -1;
    heads.forEach((h, i) => {
      if (!h.done && (best < 0 || newer(h.value, heads[best].value!))) {
        best = i;
      }
    });
    if (best < 0 && waiting.length && heads.every((h) => h.done)) {
      // Nothing open holds a candidate: open the room with the newest
      // activity (and any as new), then look again.
      await openDue(waiting[0].t);
      return await pickBest();
    }
    const bar = best < 0 ? -Infinity : heads[best].value!.t;
    if (waiting.length && waiting[0].t >= bar) {
      await openDue(bar);
      return await pickBest();
    }
    return best;
  };
  const results: SearchHit[] = [];
  let examined = 0;
  let lastSeen: Candidate | undefined;
  let leftover = false;
  const more = () => waiting.length > 0 || heads.some((h) => !h.done);
  // Phrases, `from:` and words dropped from a room's intersection reject
  // candidates only once their message is read: while batches match less
  // than half, they grow, so rejected candidates are read many at a time.
  let scale = 1;
  while (results.length < q.limit && more() && examined < budget) {
    // The next batch of candidates in result order.
    const batch: Candidate[] = [];
    const want = Math.min(
      (q.limit - results.length + 10) * scale,
      budget - examined,
    );
    let cost = 0;
    while (cost < want) {
      const best = await pickBest();
      if (best < 0) break;
      const c = heads[best].value as Candidate;
      batch.push(c);
      cost += c.rejected ? REJECTED_COST : 1;
      heads[best] = await streams[best].next();
    }
    examined += cost;
    const before = results.length;
    const missing = batch.filter((c) => !c.message && !c.rejected);
    const fetched = await readMessages(kv, missing);
    missing.forEach((c, i) => (c.message = fetched[i]));
    for (const [i, c] of batch.entries()) {
      lastSeen = c;
      const hl = c.message && !c.rejected ? matchMessage(c.message, q) : null;
      if (hl) {
        results.push({
          room: viewRoom(byId.get(c.r)!, user),
          message: c.message!,
          highlights: hl,
        });
        if (results.length === q.limit) {
          leftover = i < batch.length - 1;
          break;
        }
      }
    }
    if ((results.length - before) * 2 < batch.length) {
      scale = Math.min(scale * 2, 16);
    }
  }
  await Promise.all(streams.map((s) => s.return(undefined)));
  const cursor = lastSeen && (more() || leftover)
    ? encodeCursor({ t: lastSeen.t, r: lastSeen.r, s: lastSeen.s })
    : "";
  return { results, cursor };
}
