/**
 * Rooms: create public and private rooms, join and leave, add members, and
 * direct messages (one room per pair of users). Every function takes the
 * acting user and enforces access (see `room_access.ts`). Listings and read
 * markers are in `room_lists.ts`; both are re-exported here.
 * @module
 */
import { BadRequestError, ConflictError, NotFoundError } from "../errors.ts";
import { newId } from "../ids.ts";
import { commitWithRetry, retryLocked } from "../kv.ts";
import { isId } from "./protocol.ts";
import {
  dmKey,
  memberKey,
  publicRoomKey,
  readKey,
  roomKey,
  userRoomKey,
} from "./keys.ts";
import {
  isMember,
  MAX_ROOM_NAME,
  type Membership,
  requireMember,
  type RoomView,
  type StoredRoom,
  type UserExists,
  viewRoom,
} from "./room_access.ts";

export * from "./room_access.ts";
export * from "./room_lists.ts";

function checkName(name: unknown): string {
  if (typeof name !== "string") {
    throw new BadRequestError("Room name is required.", "invalid_name", {
      name: "Required.",
    });
  }
  const n = name.trim();
  const len = [...n].length;
  // deno-lint-ignore no-control-regex
  if (len < 1 || len > MAX_ROOM_NAME || /[\u0000-\u001f\u007f]/.test(n)) {
    throw new BadRequestError(
      `Room name must be 1 to ${MAX_ROOM_NAME} characters on one line.`,
      "invalid_name",
      { name: `1 to ${MAX_ROOM_NAME} characters.` },
    );
  }
  return n;
}

/** Creates a public or private room; the creator is its first member. */
export async function createRoom(
  kv: Deno.Kv,
  user: string,
  input: { name: unknown; visibility: unknown },
): Promise<RoomView> {
  const name = checkName(input.name);
  const visibility = input.visibility ?? "public";
  if (visibility !== "public" && visibility !== "private") {
    throw new BadRequestError(
      'visibility must be "public" or "private".',
      "invalid_visibility",
      { visibility: 'Use "public" or "private".' },
    );
  }
  const now = new Date().toISOString();
  const room: StoredRoom = {
    id: newId(),
    name,
    visibility,
    createdBy: user,
    createdAt: now,
  };
  const op = kv.atomic()
    .check({ key: roomKey(room.id), versionstamp: null })
    .set(roomKey(room.id), room)
    .set(memberKey(room.id, user), { joinedAt: now })
    .set(userRoomKey(user, room.id), { joinedAt: now });
  if (visibility === "public") {
    op.set(publicRoomKey(room.id), { id: room.id, name });
  }
  const res = await retryLocked(() => op.commit());
  if (!res.ok) throw new ConflictError("Room id collision; try again.");
  return viewRoom(room, user);
}

function addMemberOps(
  op: Deno.AtomicOperation,
  roomId: string,
  user: string,
): Deno.AtomicOperation {
  const m: Membership = { joinedAt: new Date().toISOString() };
  return op.set(memberKey(roomId, user), m).set(userRoomKey(user, roomId), m);
}

/** Joins a public room (idempotent). Private rooms of others are NotFound. */
export async function joinRoom(
  kv: Deno.Kv,
  user: string,
  roomId: string,
): Promise<RoomView> {
  if (!isId(roomId)) throw new NotFoundError("No such room.");
  const [room, member] = await kv.getMany<[StoredRoom, Membership]>([
    roomKey(roomId),
    memberKey(roomId, user),
  ]);
  if (!room.value) throw new NotFoundError("No such room.");
  if (member.versionstamp !== null) return viewRoom(room.value, user);
  if (room.value.visibility !== "public") {
    throw new NotFoundError("No such room.");
  }
  const op = addMemberOps(
    kv.atomic().check(room).check(member),
    roomId,
    user,
  );
  await retryLocked(() => op.commit());
  return viewRoom(room.value, user);
}

/** Leaves a room. Direct-message rooms cannot be left. */
export async function leaveRoom(
  kv: Deno.Kv,
  user: string,
  roomId: string,
): Promise<void> {
  const room = await requireMember(kv, user, roomId);
  if (room.visibility === "direct") {
    throw new BadRequestError(
      "A direct message cannot be left.",
      "cannot_leave_dm",
    );
  }
  await retryLocked(() =>
    kv.atomic()
      .delete(memberKey(roomId, user))
      .delete(userRoomKey(user, roomId))
      .delete(readKey(user, roomId))
      .commit()
  );
}

/**
 * Adds `username` to a room `user` belongs to (public or private; not DMs).
 * Unknown usernames give NotFoundError. Idempotent.
 */
export async function addMember(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  username: unknown,
  userExists: UserExists,
): Promise<void> {
  const room = await requireMember(kv, user, roomId);
  if (room.visibility === "direct") {
    throw new BadRequestError(
      "Members cannot be added to a direct message.",
      "direct_room",
    );
  }
  if (typeof username !== "string" || !(await userExists(username))) {
    throw new NotFoundError("No such user.", "user_not_found");
  }
  if (await isMember(kv, roomId, username)) return;
  await retryLocked(() => addMemberOps(kv.atomic(), roomId, username).commit());
}

/**
 * Opens (or finds) the direct-message room between `user` and `other`.
 * The same pair always gets the same room id, even under concurrent calls.
 */
export async function openDm(
  kv: Deno.Kv,
  user: string,
  other: unknown,
  userExists: UserExists,
): Promise<RoomView> {
  if (typeof other !== "string" || !(await userExists(other))) {
    throw new NotFoundError("No such user.", "user_not_found");
  }
  const key = dmKey(user, other);
  const room = await commitWithRetry(kv, async (kv) => {
    const existing = await kv.get<string>(key);
    if (existing.value) {
      const r = await kv.get<StoredRoom>(roomKey(existing.value));
      if (!r.value) throw new Error(`DM index points to a missing room`);
      return [kv.atomic().check(existing), r.value];
    }
    const now = new Date().toISOString();
    const pair = [key[1], key[2]] as [string, string];
    const r: StoredRoom = {
      id: newId(),
      name: "",
      visibility: "direct",
      createdBy: user,
      createdAt: now,
      dm: pair,
    };
    const op = kv.atomic()
      .check({ key, versionstamp: null })
      .set(key, r.id)
      .set(roomKey(r.id), r);
    for (const u of new Set(pair)) addMemberOps(op, r.id, u);
    return [op, r];
  });
  return viewRoom(room, user);
}
