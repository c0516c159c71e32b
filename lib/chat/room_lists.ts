/**
 * Room listings (mine with unread counts, joinable public rooms, members)
 * and the per-user read marker.
 * @module
 */
import { commitWithRetry } from "../kv.ts";
import { BadRequestError } from "../errors.ts";
import type { RoomSummary } from "./protocol.ts";
import {
  getManyChunked,
  memberKey,
  membersPrefix,
  publicRoomsPrefix,
  readKey,
  roomKey,
  seqKey,
  userRoomsPrefix,
} from "./keys.ts";
import {
  MAX_ROOM_LIST,
  requireMember,
  type StoredRoom,
  viewRoom,
} from "./room_access.ts";

/** Usernames of a room's members (up to `limit`). Caller checks access. */
export async function listMemberNames(
  kv: Deno.Kv,
  roomId: string,
  limit = MAX_ROOM_LIST,
): Promise<string[]> {
  const out: string[] = [];
  for await (const e of kv.list({ prefix: membersPrefix(roomId) }, { limit })) {
    out.push(e.key[2] as string);
  }
  return out;
}

/** Ids of all the rooms `user` belongs to (memberships are rate-limited). */
export async function listMyRoomIds(
  kv: Deno.Kv,
  user: string,
): Promise<string[]> {
  const out: string[] = [];
  for await (const e of kv.list({ prefix: userRoomsPrefix(user) })) {
    out.push(e.key[2] as string);
  }
  return out;
}

/** A page request: `cursor` from the previous page, `limit` ≤ 500. */
export interface PageQuery {
  cursor?: string;
  limit?: number;
}

/** A page of rooms; `cursor` is "" when there is no more. */
export interface RoomPage {
  rooms: RoomSummary[];
  cursor: string;
}

/** Checks `?cursor=&limit=` of a room list (400 on bad values). */
export function parsePageQuery(
  cursor: string | null,
  limit: string | null,
): PageQuery {
  const q: PageQuery = {};
  if (cursor) {
    if (!/^[A-Za-z0-9_=+/-]{1,512}$/.test(cursor)) {
      throw new BadRequestError("cursor is not valid.", "invalid_cursor");
    }
    q.cursor = cursor;
  }
  if (limit !== null) {
    if (!/^\d{1,4}$/.test(limit) || +limit < 1 || +limit > MAX_ROOM_LIST) {
      throw new BadRequestError(
        `limit must be 1 to ${MAX_ROOM_LIST}.`,
        "invalid_query",
      );
    }
    q.limit = +limit;
  }
  return q;
}

async function listPage<T>(
  kv: Deno.Kv,
  prefix: Deno.KvKey,
  q: PageQuery,
): Promise<{ entries: Deno.KvEntry<T>[]; cursor: string }> {
  const limit = q.limit ?? MAX_ROOM_LIST;
  const entries: Deno.KvEntry<T>[] = [];
  try {
    const iter = kv.list<T>({ prefix }, { limit, cursor: q.cursor });
    for await (const e of iter) entries.push(e);
    return {
      entries,
      cursor: entries.length < limit ? "" : iter.cursor,
    };
  } catch (err) {
    if (q.cursor && !(err instanceof BadRequestError)) {
      throw new BadRequestError("cursor is not valid.", "invalid_cursor");
    }
    throw err;
  }
}

/**
 * One page of the rooms `user` belongs to, with unread counts (latest seq −
 * read marker). Archived rooms are left out unless `archived` is true.
 */
export async function pageMyRooms(
  kv: Deno.Kv,
  user: string,
  q: PageQuery = {},
  archived = false,
): Promise<RoomPage> {
  const page = await listPage(kv, userRoomsPrefix(user), q);
  const ids = page.entries.map((e) => e.key[2] as string);
  const [rooms, seqs, reads] = await Promise.all([
    getManyChunked<StoredRoom>(kv, ids.map(roomKey)),
    getManyChunked<number>(kv, ids.map(seqKey)),
    getManyChunked<number>(kv, ids.map((id) => readKey(user, id))),
  ]);
  const out: RoomSummary[] = [];
  rooms.forEach((r, i) => {
    if (!r.value || !!r.value.archived !== archived) return;
    const unread = Math.max(0, (seqs[i].value ?? 0) - (reads[i].value ?? 0));
    out.push({ ...viewRoom(r.value, user), unread });
  });
  return { rooms: out, cursor: page.cursor };
}

/** All the (not archived) rooms `user` belongs to, every page. */
export async function listMyRooms(
  kv: Deno.Kv,
  user: string,
): Promise<RoomSummary[]> {
  const out: RoomSummary[] = [];
  let cursor = "";
  do {
    const page = await pageMyRooms(kv, user, { cursor });
    out.push(...page.rooms);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/** One page of the public rooms `user` has not joined (unread is 0). */
export async function pageJoinableRooms(
  kv: Deno.Kv,
  user: string,
  q: PageQuery = {},
): Promise<RoomPage> {
  const page = await listPage<{ id: string; name: string }>(
    kv,
    publicRoomsPrefix,
    q,
  );
  const member = await getManyChunked(
    kv,
    page.entries.map((e) => memberKey(e.value.id, user)),
  );
  const rooms: RoomSummary[] = [];
  page.entries.forEach((e, i) => {
    if (member[i].versionstamp !== null) return;
    rooms.push({
      id: e.value.id,
      name: e.value.name,
      visibility: "public",
      unread: 0,
    });
  });
  return { rooms, cursor: page.cursor };
}

/** The first page of joinable public rooms. */
export async function listJoinableRooms(
  kv: Deno.Kv,
  user: string,
): Promise<RoomSummary[]> {
  return (await pageJoinableRooms(kv, user)).rooms;
}

/** The latest seq of a room (0 when empty). No access check. */
export async function latestSeq(kv: Deno.Kv, roomId: string): Promise<number> {
  return (await kv.get<number>(seqKey(roomId))).value ?? 0;
}

/**
 * Moves `user`'s read marker in `roomId` forward to `seq` (clamped to the
 * room's latest seq; never backwards). Returns the marker after the call.
 */
export async function markRead(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  seq: number,
): Promise<number> {
  await requireMember(kv, user, roomId);
  return await commitWithRetry(kv, async (kv) => {
    const [cur, latest] = await kv.getMany<[number, number]>([
      readKey(user, roomId),
      seqKey(roomId),
    ]);
    const target = Math.min(seq, latest.value ?? 0);
    const now = cur.value ?? 0;
    if (target <= now) return [kv.atomic(), now];
    return [kv.atomic().check(cur).set(readKey(user, roomId), target), target];
  });
}
