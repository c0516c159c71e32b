/**
 * Message search over the rooms a user may read now (their memberships):
 * newest first, every query word matching a word prefix, accent- and
 * case-insensitive, with phrases, `from:` and `in:#room`.
 *
 * Per room, the longest query word drives: its prefix range in the index
 * is expanded to the distinct tokens it covers (at most
 * {@link MAX_EXPANSION}), their postings are merged newest first, and each
 * candidate message is read and checked against the whole query (so edits,
 * deletes, phrases and filters are always exact). Rooms are merged by
 * (createdAt, room id, seq), which is also the cursor: paging is gap-free.
 * @module
 */
import {
  getManyChunked,
  msgKey,
  msgPrefix,
  roomKey,
  seqKey,
} from "../chat/keys.ts";
import type { Message } from "../chat/protocol.ts";
import {
  requireMember,
  type RoomView,
  type StoredRoom,
  viewRoom,
} from "../chat/room_access.ts";
import { listMyRoomIds } from "../chat/room_lists.ts";
import { readMessages } from "./read_messages.ts";
import { intersect } from "./intersect.ts";
import { encodeCursor, type SearchCursor, type SearchQuery } from "./query.ts";
import { queryTokens, words } from "./tokens.ts";

/** Most candidates one request examines before answering (with a cursor). */
export const SCAN_BUDGET = 1000;

/** A highlighted range of `message.text` (UTF-16 offsets, end exclusive). */
export interface Highlight {
  start: number;
  end: number;
}

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

/** True when candidate `a` sorts after (is older than) cursor `c`. */
function below(a: Candidate, c: SearchCursor): boolean {
  return a.t < c.t ||
    (a.t === c.t && (a.r < c.r || (a.r === c.r && a.s < c.s)));
}

/** Rooms with messages and the createdAt (ms) of their latest, newest first. */
async function latestTimes(
  kv: Deno.Kv,
  rooms: string[],
): Promise<{ r: string; t: number }[]> {
  const seqs = await getManyChunked<number>(kv, rooms.map(seqKey));
  const have = rooms.filter((_, i) => (seqs[i].value ?? 0) > 0);
  const last = await getManyChunked<Message>(
    kv,
    have.map((r) => msgKey(r, seqs[rooms.indexOf(r)].value!)),
  );
  return have.map((r, i) => ({
    r,
    // A missing latest message (deleted log?) opens the room first.
    t: last[i].value ? Date.parse(last[i].value!.createdAt) : Infinity,
  })).sort((a, b) => b.t - a.t);
}

/** True when `a` comes before `b` in result order (newer first). */
function newer(a: Candidate, b: Candidate): boolean {
  return a.t > b.t ||
    (a.t === b.t && (a.r > b.r || (a.r === b.r && a.s > b.s)));
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

function startsAny(token: string, terms: string[]): boolean {
  return terms.some((t) => token.startsWith(t));
}

/** Checks a message against the whole query; its highlights, or null. */
export function matchMessage(m: Message, q: SearchQuery): Highlight[] | null {
  if (!m || m.deleted) return null;
  if (q.from && m.author !== q.from) return null;
  const t = Date.parse(m.createdAt);
  if (q.before !== undefined && t >= q.before) return null;
  if (q.after !== undefined && t <= q.after) return null;
  const ws = words(m.text);
  for (const term of q.terms) {
    if (!ws.some((w) => w.token.startsWith(term))) return null;
  }
  const highlights: Highlight[] = [];
  const mark = (start: number, end: number) => {
    const prev = highlights.at(-1);
    if (prev && start <= prev.end) prev.end = Math.max(prev.end, end);
    else highlights.push({ start, end });
  };
  for (const phrase of q.phrases) {
    let found = false;
    for (let i = 0; i + phrase.length <= ws.length; i++) {
      if (phrase.every((p, j) => ws[i + j].token === p)) {
        found = true;
        break;
      }
    }
    if (!found) return null;
  }
  for (const w of ws) if (startsAny(w.token, q.terms)) mark(w.start, w.end);
  return highlights;
}

async function readableRooms(
  kv: Deno.Kv,
  user: string,
  q: SearchQuery,
): Promise<StoredRoom[]> {
  let rooms: StoredRoom[];
  if (q.room) rooms = [await requireMember(kv, user, q.room)];
  else {
    const ids = await listMyRoomIds(kv, user);
    const entries = await getManyChunked<StoredRoom>(kv, ids.map(roomKey));
    rooms = entries.flatMap((e) => (e.value ? [e.value] : []));
  }
  if (q.inRoom !== undefined) {
    rooms = rooms.filter((r) =>
      queryTokens(viewRoom(r, user).name).join(" ") === q.inRoom
    );
  }
  return rooms;
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

/**
 * The same query answered by reading every message of the user's rooms
 * (no index): the baseline for `bench/search.ts` and a cross-check in tests.
 */
export async function fullScanSearch(
  kv: Deno.Kv,
  user: string,
  q: SearchQuery,
): Promise<SearchHit[]> {
  const rooms = await readableRooms(kv, user, q);
  const all: SearchHit[] = [];
  for (const r of rooms) {
    for await (const e of kv.list<Message>({ prefix: msgPrefix(r.id) })) {
      const hl = matchMessage(e.value, q);
      if (hl) {
        all.push({ room: viewRoom(r, user), message: e.value, highlights: hl });
      }
    }
  }
  all.sort((a, b) => {
    const x = {
      t: Date.parse(a.message.createdAt),
      r: a.room.id,
      s: a.message.seq,
    };
    const y = {
      t: Date.parse(b.message.createdAt),
      r: b.room.id,
      s: b.message.seq,
    };
    return newer(x, y) ? -1 : 1;
  });
  return all.slice(0, q.limit);
}
