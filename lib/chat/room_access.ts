/**
 * Room records as users see them, and the membership check every chat
 * function goes through: unknown, private and direct rooms of others are
 * NotFoundError; an unjoined public room is ForbiddenError (`not_member`).
 * @module
 */
import { ForbiddenError, NotFoundError } from "../errors.ts";
import { isId, type Visibility } from "./protocol.ts";
import { memberKey, roomKey } from "./keys.ts";

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
  /** Shown under the name (≤ 250 characters). */
  topic?: string;
  /** Archived rooms are read-only and hidden from the sidebar. */
  archived?: boolean;
}

/** A room as seen by one user (`name` of a DM is the other person). */
export interface RoomView {
  id: string;
  name: string;
  visibility: Visibility;
  topic?: string;
  archived?: boolean;
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
  const view: RoomView = { id: room.id, name, visibility: room.visibility };
  if (room.topic) view.topic = room.topic;
  if (room.archived) view.archived = true;
  return view;
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
  return memberOrThrow(room, member);
}

/**
 * The access rule of {@link requireMember} on already-read entries: the
 * room when the membership exists, else NotFoundError (unknown, private,
 * direct) or ForbiddenError `not_member` (unjoined public room).
 */
export function memberOrThrow(
  room: Deno.KvEntryMaybe<StoredRoom>,
  member: Deno.KvEntryMaybe<unknown>,
): StoredRoom {
  if (!room.value) throw new NotFoundError("No such room.");
  if (member.versionstamp !== null) return room.value;
  if (room.value.visibility === "public") {
    throw new ForbiddenError("Join the room first.", "not_member");
  }
  throw new NotFoundError("No such room.");
}

/** Refuses an archived room (read-only) with ForbiddenError `archived`. */
export function refuseArchived(room: StoredRoom): StoredRoom {
  if (room.archived) {
    throw new ForbiddenError(
      "This room is archived (read-only).",
      "archived",
    );
  }
  return room;
}

/**
 * Like {@link requireMember}, and refuses archived rooms (read-only) with
 * ForbiddenError code `archived`.
 */
export async function requireWritable(
  kv: Deno.Kv,
  user: string,
  roomId: string,
): Promise<StoredRoom> {
  return refuseArchived(await requireMember(kv, user, roomId));
}

/** The room as seen by `user`, who must be a member. */
export async function getRoom(
  kv: Deno.Kv,
  user: string,
  roomId: string,
): Promise<RoomView> {
  return viewRoom(await requireMember(kv, user, roomId), user);
}
