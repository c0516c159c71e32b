/**
 * What a room row shows beside its name: the unread mention count and the
 * user's notification level, added to the room list (`unread` is computed
 * in `room_lists.ts`).
 * @module
 */
import { getManyChunked, readKey } from "./keys.ts";
import { unreadMentionCount } from "./mentions.ts";
import { notifyLevels } from "./notify_settings.ts";
import type { RoomSummary } from "./protocol.ts";

/** `rooms` with `mentions` and `notify` filled in for `user`. */
export async function withBadges(
  kv: Deno.Kv,
  user: string,
  rooms: RoomSummary[],
): Promise<RoomSummary[]> {
  const [levels, reads] = await Promise.all([
    notifyLevels(kv, user, rooms),
    getManyChunked<number>(kv, rooms.map((r) => readKey(user, r.id))),
  ]);
  const mentions = await Promise.all(
    rooms.map((r, i) =>
      r.unread > 0
        ? unreadMentionCount(kv, user, r.id, reads[i].value ?? 0)
        : Promise.resolve(0)
    ),
  );
  return rooms.map((r, i) => ({
    ...r,
    mentions: mentions[i],
    notify: levels[i],
  }));
}
