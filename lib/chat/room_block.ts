/**
 * Leaving and blocking rooms one was added to, and the rate limits on
 * creating rooms and adding members (against room-list flooding).
 * @module
 */
import { ForbiddenError, NotFoundError } from "../errors.ts";
import { retryLocked } from "../kv.ts";
import { reserveOrThrow, windowSlot } from "../rate_limit.ts";
import { isId } from "./protocol.ts";
import { leaveRoom } from "./rooms.ts";
import { memberKey, roomKey } from "./keys.ts";
import type { StoredRoom } from "./room_access.ts";

const HOUR = 3600_000;

/** `["chat_block", username, roomId]`: the user does not want to be added again. */
export const blockKey = (user: string, room: string): Deno.KvKey => [
  "chat_block",
  user,
  room,
];

/** Counts one `action` by `user` in the current hour; 429 past `perHour`. */
async function limitPerHour(
  kv: Deno.Kv,
  action: string,
  user: string,
  perHour: number,
  message: string,
): Promise<void> {
  await reserveOrThrow(
    kv,
    [windowSlot(action, user, { max: perHour, windowMs: HOUR })],
    message,
  );
}

/** Counts one room creation by `user`; 429 past `perHour`. */
export function limitRoomCreation(
  kv: Deno.Kv,
  user: string,
  perHour: number,
): Promise<void> {
  return limitPerHour(
    kv,
    "room_create",
    user,
    perHour,
    `You can create at most ${perHour} rooms per hour.`,
  );
}

/** Counts one member added by `user`; 429 past `perHour`. */
export function limitMemberAdds(
  kv: Deno.Kv,
  user: string,
  perHour: number,
): Promise<void> {
  return limitPerHour(
    kv,
    "member_add",
    user,
    perHour,
    `You can add at most ${perHour} members per hour.`,
  );
}

/**
 * Leaves a public or private room (when still a member) and blocks it:
 * nobody can add `user` back; joining it yourself lifts the block.
 */
export async function blockRoom(
  kv: Deno.Kv,
  user: string,
  roomId: string,
): Promise<void> {
  if (!isId(roomId)) throw new NotFoundError("No such room.");
  const [room, member, block] = await kv.getMany<
    [StoredRoom, unknown, unknown]
  >(
    [roomKey(roomId), memberKey(roomId, user), blockKey(user, roomId)],
  );
  if (
    !room.value || (member.versionstamp === null && block.versionstamp === null)
  ) {
    // Only rooms you are in (or blocked before) can be blocked.
    throw new NotFoundError("No such room.");
  }
  if (member.versionstamp !== null) await leaveRoom(kv, user, roomId);
  await retryLocked(() =>
    kv.set(blockKey(user, roomId), { at: new Date().toISOString() })
  );
}

/** Lifts a block (idempotent). */
export async function unblockRoom(
  kv: Deno.Kv,
  user: string,
  roomId: string,
): Promise<void> {
  if (!isId(roomId)) throw new NotFoundError("No such room.");
  await retryLocked(() => kv.delete(blockKey(user, roomId)));
}

/** Refuses adding `username` to a room they blocked. */
export async function refuseIfBlocked(
  kv: Deno.Kv,
  username: string,
  roomId: string,
): Promise<void> {
  const b = await kv.get(blockKey(username, roomId));
  if (b.versionstamp !== null) {
    throw new ForbiddenError(
      "This person left the room and does not want to be added again.",
      "blocked",
    );
  }
}
