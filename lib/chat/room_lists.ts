/**
 * Room listings (mine with unread counts, joinable public rooms, members)
 * and the per-user read marker.
 * @module
 */
import { commitWithRetry } from "../kv.ts";
import type { RoomSummary } from "./protocol.ts";
import {
  getManyChunked,
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

/** Ids of the rooms `user` belongs to. */
export async function listMyRoomIds(
  kv: Deno.Kv,
  user: string,
): Promise<string[]> {
  const out: string[] = [];
  const iter = kv.list({ prefix: userRoomsPrefix(user) }, {
    limit: MAX_ROOM_LIST,
  });
  for await (const e of iter) out.push(e.key[2] as string);
  return out;
}

/** The rooms `user` belongs to, with unread counts (latest seq − read marker). */
export async function listMyRooms(
  kv: Deno.Kv,
  user: string,
): Promise<RoomSummary[]> {
  const ids = await listMyRoomIds(kv, user);
  const [rooms, seqs, reads] = await Promise.all([
    getManyChunked<StoredRoom>(kv, ids.map(roomKey)),
    getManyChunked<number>(kv, ids.map(seqKey)),
    getManyChunked<number>(kv, ids.map((id) => readKey(user, id))),
  ]);
  const out: RoomSummary[] = [];
  rooms.forEach((r, i) => {
    if (!r.value) return;
    const unread = Math.max(0, (seqs[i].value ?? 0) - (reads[i].value ?? 0));
    out.push({ ...viewRoom(r.value, user), unread });
  });
  return out;
}

/** Public rooms `user` has not joined yet (unread is 0). */
export async function listJoinableRooms(
  kv: Deno.Kv,
  user: string,
): Promise<RoomSummary[]> {
  const mine = new Set(await listMyRoomIds(kv, user));
  const out: RoomSummary[] = [];
  const iter = kv.list<{ id: string; name: string }>(
    { prefix: publicRoomsPrefix },
    { limit: MAX_ROOM_LIST },
  );
  for await (const e of iter) {
    if (mine.has(e.value.id)) continue;
    out.push({
      id: e.value.id,
      name: e.value.name,
      visibility: "public",
      unread: 0,
    });
  }
  return out;
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
