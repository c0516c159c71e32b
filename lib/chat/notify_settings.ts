/**
 * Per-room notification levels: `all`, `mentions` (the default for rooms)
 * or `none` (muted). Direct messages are always `all`.
 *
 * | key | value |
 * |---|---|
 * | `["chat_notify", username, roomId]` | {@link NotifyLevel} (absent = default) |
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { getManyChunked } from "./keys.ts";
import type { NotifyLevel, Visibility } from "./protocol.ts";
import { requireMember } from "./room_access.ts";

export type { NotifyLevel };

/** The accepted levels. */
export const NOTIFY_LEVELS: readonly NotifyLevel[] = [
  "all",
  "mentions",
  "none",
];

export const notifyKey = (user: string, room: string): Deno.KvKey => [
  "chat_notify",
  user,
  room,
];

/** The level used when the user has not chosen one. */
export function defaultLevel(visibility: Visibility): NotifyLevel {
  return visibility === "direct" ? "all" : "mentions";
}

/** Validates a level from a request body. */
export function parseNotifyLevel(v: unknown): NotifyLevel {
  if (typeof v !== "string" || !NOTIFY_LEVELS.includes(v as NotifyLevel)) {
    throw new BadRequestError(
      'notify must be "all", "mentions" or "none".',
      "invalid_notify",
      { notify: 'Use "all", "mentions" or "none".' },
    );
  }
  return v as NotifyLevel;
}

/** The levels of `user` for `rooms` (in order), defaults applied. */
export async function notifyLevels(
  kv: Deno.Kv,
  user: string,
  rooms: { id: string; visibility: Visibility }[],
): Promise<NotifyLevel[]> {
  const entries = await getManyChunked<NotifyLevel>(
    kv,
    rooms.map((r) => notifyKey(user, r.id)),
  );
  return rooms.map((r, i) =>
    r.visibility === "direct"
      ? "all"
      : entries[i].value ?? defaultLevel(r.visibility)
  );
}

/** `user`'s level for `roomId` (member only). */
export async function getNotifyLevel(
  kv: Deno.Kv,
  user: string,
  roomId: string,
): Promise<NotifyLevel> {
  const room = await requireMember(kv, user, roomId);
  return (await notifyLevels(kv, user, [room]))[0];
}

/**
 * Sets `user`'s level for `roomId` (member only). A direct message accepts
 * only `all` (it always notifies).
 */
export async function setNotifyLevel(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  level: unknown,
): Promise<NotifyLevel> {
  const notify = parseNotifyLevel(level);
  const room = await requireMember(kv, user, roomId);
  if (room.visibility === "direct" && notify !== "all") {
    throw new BadRequestError(
      "Direct messages always notify.",
      "direct_always_all",
      { notify: 'Direct messages are always "all".' },
    );
  }
  await kv.set(notifyKey(user, roomId), notify);
  return notify;
}
