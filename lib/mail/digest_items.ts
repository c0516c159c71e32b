/**
 * What a missed-mention mail lists: from the durable chat data, the
 * mentions (mention index) and direct messages a user has not read (after
 * their read marker) and that no earlier digest covered, only in rooms the
 * user belongs to now.
 *
 * | key | value |
 * |---|---|
 * | `["digest_covered", username, roomId]` | seq: highest seq already mailed |
 * @module
 */
import { getManyChunked, msgKey, readKey, roomKey } from "../chat/keys.ts";
import { unreadMentionSeqs } from "../chat/mentions.ts";
import { readLog } from "../chat/messages.ts";
import type { Message } from "../chat/protocol.ts";
import type { StoredRoom } from "../chat/room_access.ts";
import { listMyRoomIds } from "../chat/room_lists.ts";

/** Most items one digest lists. */
export const MAX_DIGEST_ITEMS = 20;

export const coveredKey = (user: string, room: string): Deno.KvKey => [
  "digest_covered",
  user,
  room,
];

/** One line of a digest. */
export interface DigestItem {
  room: string;
  roomName: string;
  direct: boolean;
  message: Message;
}

/** What {@link collectMissed} found. */
export interface Missed {
  /** Oldest first, at most {@link MAX_DIGEST_ITEMS}. */
  items: DigestItem[];
  /** When the earliest item newer than the cutoff was created (ms), or null. */
  next: number | null;
  /** True when more than {@link MAX_DIGEST_ITEMS} were due. */
  more: boolean;
}

/**
 * Unread, unmailed mentions and direct messages of `user` created at or
 * before `cutoff` (ms).
 */
export async function collectMissed(
  kv: Deno.Kv,
  user: string,
  cutoff: number,
): Promise<Missed> {
  const ids = await listMyRoomIds(kv, user);
  const [rooms, reads, covered] = await Promise.all([
    getManyChunked<StoredRoom>(kv, ids.map(roomKey)),
    getManyChunked<number>(kv, ids.map((r) => readKey(user, r))),
    getManyChunked<number>(kv, ids.map((r) => coveredKey(user, r))),
  ]);
  const items: DigestItem[] = [];
  let next: number | null = null;
  for (const [i, id] of ids.entries()) {
    const room = rooms[i].value;
    if (!room) continue;
    const after = Math.max(reads[i].value ?? 0, covered[i].value ?? 0);
    let messages: Message[];
    if (room.visibility === "direct") {
      messages = (await readLog(kv, id, {
        after,
        limit: MAX_DIGEST_ITEMS + 1,
      })).filter((m) => m.author !== user);
    } else {
      const seqs = await unreadMentionSeqs(
        kv,
        user,
        id,
        after,
        MAX_DIGEST_ITEMS + 1,
      );
      const got = await getManyChunked<Message>(
        kv,
        seqs.map((s) => msgKey(id, s)),
      );
      messages = got.flatMap((e) => (e.value ? [e.value] : []));
    }
    const other = room.dm?.find((u) => u !== user) ?? user;
    for (const m of messages) {
      if (m.deleted) continue;
      const t = Date.parse(m.createdAt);
      if (t > cutoff) {
        next = next === null ? t : Math.min(next, t);
        continue;
      }
      items.push({
        room: id,
        roomName: room.visibility === "direct" ? other : room.name,
        direct: room.visibility === "direct",
        message: m,
      });
    }
  }
  items.sort((a, b) =>
    a.message.createdAt.localeCompare(b.message.createdAt) ||
    a.message.seq - b.message.seq
  );
  return {
    items: items.slice(0, MAX_DIGEST_ITEMS),
    next,
    more: items.length > MAX_DIGEST_ITEMS,
  };
}
