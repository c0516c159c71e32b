/**
 * The rooms a search covers: the user's memberships now (or the one room
 * asked for, which must be readable), narrowed by `in:#room`.
 * @module
 */
import { getManyChunked, roomKey } from "../chat/keys.ts";
import {
  requireMember,
  type StoredRoom,
  viewRoom,
} from "../chat/room_access.ts";
import { listMyRoomIds } from "../chat/room_lists.ts";
import type { SearchQuery } from "./query.ts";
import { queryTokens } from "./tokens.ts";

/** The rooms `user` may search now for `q`. */
export async function readableRooms(
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
