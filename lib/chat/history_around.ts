/**
 * History around one message (`GET /api/rooms/:id/messages?around=SEQ`):
 * for jumping to a reply's original or a search hit. The page holds the
 * message at SEQ (when it exists), about half the limit before it and the
 * rest after it, ascending.
 * @module
 */
import { readLog } from "./messages.ts";
import type { Message } from "./protocol.ts";
import { requireMember } from "./room_access.ts";

/** Reads `limit` messages centred on `seq` (member only), ascending. */
export async function listAround(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  seq: number,
  limit: number,
): Promise<Message[]> {
  await requireMember(kv, user, roomId);
  const before = Math.floor((limit - 1) / 2);
  const [older, newer] = await Promise.all([
    before > 0
      ? readLog(kv, roomId, { before: seq, limit: before })
      : Promise.resolve([]),
    readLog(kv, roomId, {
      after: Math.max(0, seq - 1),
      limit: limit - before,
    }),
  ]);
  if (seq === 0) return newer;
  return [...older.filter((m) => m.seq < seq), ...newer];
}
