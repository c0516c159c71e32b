/**
 * Search without the index: every message of the user's rooms read and
 * matched. The baseline of `bench/search.ts` and a cross-check in tests.
 * @module
 */
import { msgPrefix } from "../chat/keys.ts";
import type { Message } from "../chat/protocol.ts";
import { viewRoom } from "../chat/room_access.ts";
import { matchMessage } from "./match.ts";
import type { SearchQuery } from "./query.ts";
import { readableRooms } from "./readable_rooms.ts";
import { newer } from "./order.ts";
import type { SearchHit } from "./search.ts";

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
