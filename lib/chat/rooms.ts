/**
 * Rooms: public and private rooms, membership, direct messages, per-user room
 * lists with unread counts. Every function takes the acting user and enforces
 * access: a room you may not see is a {@link NotFoundError}; a public room you
 * have not joined is a {@link ForbiddenError} for reads and writes.
 * @module
 */
import {
  BadRequestError,
  ConflictError,
  ForbiddenError,
  NotFoundError,
} from "../errors.ts";
import { newId } from "../ids.ts";
import { commitWithRetry, retryLocked } from "../kv.ts";
import { isId, type RoomSummary, type Visibility } from "./protocol.ts";
import {
  dmKey,
  getManyChunked,
  memberKey,
  membersPrefix,
  publicRoomKey,
  publicRoomsPrefix,
  readKey,
  roomKey,
  seqKey,
  userRoomKey,
  userRoomsPrefix,
} from "./keys.ts";

/** Longest room name, in characters. */
export const MAX_ROOM_NAME = 80;
/** Most rooms returned by one listing. */
export const MAX_ROOM_LIST = 500;

/** A room as stored. DM rooms keep both usernames in `dm` and no name. */
export interface StoredRoom {
  id: string;
  name: string;
  visibility: Visibility;
  createdBy: string;
  createdAt: string;
  /** The two members of a direct-message room, sorted. */
  dm?: [string, string];
}

/** A room as seen by one user (`name` of a DM is the other person). */
export interface RoomView {
  id: string;
  name: string;
  visibility: Visibility;
}

/** A membership record. */
export interface Membership {
  joinedAt: string;
}

/** Answers whether a username belongs to an account. */
export type UserExists = (username: string) => Promise<boolean>;

/** The view of `room` for `user`. */
export function viewRoom(room: StoredRoom, user: string): RoomView {
  const name = room.dm
    ? (room.dm[0] === user ? room.dm[1] : room.dm[0])
    : room.name;
  return { id: room.id, name, visibility: room.visibility };
}

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

/** True when `user` is a member of `roomId`. */
export async function isMember(
  kv: Deno.Kv,
  roomId: string,
  user: string,
): Promise<boolean> {
  const e = await kv.get(memberKey(roomId, user));
  return e.versionstamp !== null;
}

/**
 * Returns the room when `user` may read and write it. Unknown, private and
 * direct rooms of others give NotFoundError; an unjoined public room gives
 * ForbiddenError (code `not_member`).
 */
export async function requireMember(
  kv: Deno.Kv,
  user: string,
  roomId: string,
): Promise<StoredRoom> {
  if (!isId(roomId)) throw new NotFoundError("No such room.");
  const [room, member] = await kv.getMany<[StoredRoom, Membership]>([
    roomKey(roomId),
    memberKey(roomId, user),
  ]);
  if (!room.value) throw new NotFoundError("No such room.");
  if (member.versionstamp !== null) return room.value;
  if (room.value.visibility === "public") {
    throw new ForbiddenError("Join the room first.", "not_member");
  }
  throw new NotFoundError("No such room.");
}

/** The room as seen by `user`, who must be a member. */
export async function getRoom(
  kv: Deno.Kv,
  user: string,
  roomId: string,
): Promise<RoomView> {
  return viewRoom(await requireMember(kv, user, roomId), user);
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
