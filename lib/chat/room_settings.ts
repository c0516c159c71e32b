/**
 * Room management: rename, topic and archive (`PATCH /api/rooms/:id`), by
 * the room's creator or an admin; and the member list with roles.
 * Archived rooms are read-only (see `requireWritable`), left out of the
 * sidebar list and the public directory, and can be unarchived.
 * @module
 */
import { BadRequestError, ForbiddenError } from "../errors.ts";
import { commitWithRetry } from "../kv.ts";
import { memberKey, publicRoomKey, roomKey } from "./keys.ts";
import type { RoomChangeFrame } from "./protocol.ts";
import {
  MAX_ROOM_NAME,
  requireMember,
  type RoomView,
  type StoredRoom,
  viewRoom,
} from "./room_access.ts";

/** Longest topic, in characters. */
export const MAX_TOPIC = 250;

/** What may change. */
export interface RoomPatch {
  name?: unknown;
  topic?: unknown;
  archived?: unknown;
}

/** Answers whether a user is an app admin (may manage every room). */
export type IsAdmin = (username: string) => Promise<boolean>;

function checkName(v: unknown): string {
  const n = typeof v === "string" ? v.trim() : "";
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

function checkTopic(v: unknown): string {
  if (typeof v !== "string") {
    throw new BadRequestError("topic must be a string.", "invalid_topic");
  }
  const t = v.trim();
  // deno-lint-ignore no-control-regex
  if ([...t].length > MAX_TOPIC || /[\u0000-\u001f\u007f]/.test(t)) {
    throw new BadRequestError(
      `The topic must be at most ${MAX_TOPIC} characters on one line.`,
      "invalid_topic",
      { topic: `At most ${MAX_TOPIC} characters.` },
    );
  }
  return t;
}

/** True when `user` may manage `room` (its creator, or an admin). */
export async function canManage(
  room: StoredRoom,
  user: string,
  isAdmin: IsAdmin,
): Promise<boolean> {
  return room.createdBy === user || await isAdmin(user);
}

/**
 * Applies a patch by `user` (a member; the creator or an admin; not in a
 * direct message). Returns the room as `user` sees it and the events to
 * publish on `room:<id>` (one per field that changed).
 */
export async function updateRoom(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  patch: RoomPatch,
  isAdmin: IsAdmin,
): Promise<{ room: RoomView; events: RoomChangeFrame[] }> {
  if (
    patch.name === undefined && patch.topic === undefined &&
    patch.archived === undefined
  ) {
    throw new BadRequestError(
      "Send at least one of name, topic, archived.",
      "empty_patch",
    );
  }
  const name = patch.name === undefined ? undefined : checkName(patch.name);
  const topic = patch.topic === undefined || patch.topic === null
    ? (patch.topic === null ? "" : undefined)
    : checkTopic(patch.topic);
  if (patch.archived !== undefined && typeof patch.archived !== "boolean") {
    throw new BadRequestError(
      "archived must be true or false.",
      "invalid_archived",
    );
  }
  const archived = patch.archived as boolean | undefined;
  const current = await requireMember(kv, user, roomId);
  if (current.visibility === "direct") {
    throw new BadRequestError(
      "A direct message has no name, topic or archive.",
      "direct_room",
    );
  }
  if (!(await canManage(current, user, isAdmin))) {
    throw new ForbiddenError(
      "Only the room's creator or an admin can change it.",
      "not_room_admin",
    );
  }
  return await commitWithRetry(kv, async (kv) => {
    const entry = await kv.get<StoredRoom>(roomKey(roomId));
    const room = entry.value!;
    const next: StoredRoom = { ...room };
    const events: RoomChangeFrame[] = [];
    if (name !== undefined && name !== room.name) {
      next.name = name;
      events.push({ type: "renamed", room: roomId, name, by: user });
    }
    if (topic !== undefined && topic !== (room.topic ?? "")) {
      if (topic) next.topic = topic;
      else delete next.topic;
      events.push({ type: "topic", room: roomId, topic, by: user });
    }
    if (archived !== undefined && archived !== !!room.archived) {
      if (archived) next.archived = true;
      else delete next.archived;
      events.push({ type: "archived", room: roomId, archived, by: user });
    }
    const op = kv.atomic().check(entry).set(entry.key, next);
    if (next.visibility === "public") {
      // The public directory lists live rooms only, under their current name.
      if (next.archived) op.delete(publicRoomKey(roomId));
      else op.set(publicRoomKey(roomId), { id: roomId, name: next.name });
    }
    return [op, { room: viewRoom(next, user), events }];
  });
}

/** One row of the member panel. */
export interface MemberInfo {
  username: string;
  /** `creator` for the room's creator, `member` otherwise. */
  role: "creator" | "member";
  online: boolean;
  /** The account's display name (its username when none is set). */
  displayName?: string;
  joinedAt?: string;
}

/** Members with roles and presence (caller checks access). */
export async function memberDetails(
  kv: Deno.Kv,
  room: StoredRoom,
  names: string[],
  isOnline: (user: string) => Promise<boolean>,
): Promise<MemberInfo[]> {
  const joined = await Promise.all(
    names.map((n) => kv.get<{ joinedAt: string }>(memberKey(room.id, n))),
  );
  const online = await Promise.all(names.map(isOnline));
  return names.map((username, i) => ({
    username,
    role: username === room.createdBy ? "creator" : "member",
    online: online[i],
    ...(joined[i].value ? { joinedAt: joined[i].value!.joinedAt } : {}),
  }));
}
