/**
 * History around one message (`GET /api/rooms/:id/messages?around=SEQ`):
 * the message and up to half the page on each side, for opening a search
 * result or a notification in context.
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { readLog } from "./messages.ts";
import type { Message } from "./protocol.ts";
import { requireMember } from "./room_access.ts";

/** Parses `around` (a seq ≥ 1). */
export function parseAround(v: string): number {
  const n = Number(v);
  if (v === "" || !Number.isSafeInteger(n) || n < 1) {
    throw new BadRequestError(
      "around must be a positive integer (a seq).",
      "invalid_query",
    );
  }
  return n;
}

/**
 * Messages with seq near `seq`, ascending: up to `limit / 2` before it, the
 * message itself, and the rest after it (member only).
 */
export async function listAround(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  seq: number,
  limit: number,
): Promise<Message[]> {
  await requireMember(kv, user, roomId);
  const before = Math.max(1, Math.floor((limit - 1) / 2));
  const after = Math.max(1, limit - 1 - before);
  const [older, newer] = await Promise.all([
    readLog(kv, roomId, { before: seq + 1, limit: before + 1 }),
    readLog(kv, roomId, { after: seq, limit: after }),
  ]);
  return [...older, ...newer];
}
