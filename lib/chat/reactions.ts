/**
 * Reactions: a member toggles one of the allowed emoji on a message of the
 * room. Reactions live on the message record (`reactions: [{emoji, users}]`),
 * so history and catch-up carry them with no extra reads.
 * @module
 */
import { BadRequestError, NotFoundError } from "../errors.ts";
import { commitWithRetry } from "../kv.ts";
import { isAllowedEmoji } from "./emoji.ts";
import { msgIdKey, msgKey } from "./keys.ts";
import {
  MAX_REACTIONS_PER_MESSAGE,
  type Message,
  type Reaction,
} from "./protocol.ts";
import { requireWritable } from "./room_access.ts";

/** Most users listed under one emoji (keeps the message record small). */
export const MAX_USERS_PER_REACTION = 500;

/** The result of {@link toggleReaction}. */
export interface ReactionChange {
  /** True when the reaction was added, false when removed. */
  on: boolean;
  message: Message;
}

/** `reactions` with `user`'s `emoji` toggled; throws past the limits. */
export function toggled(
  reactions: readonly Reaction[],
  emoji: string,
  user: string,
): { reactions: Reaction[]; on: boolean } {
  const i = reactions.findIndex((r) => r.emoji === emoji);
  if (i < 0) {
    if (reactions.length >= MAX_REACTIONS_PER_MESSAGE) {
      throw new BadRequestError(
        `A message can have at most ${MAX_REACTIONS_PER_MESSAGE} different reactions.`,
        "too_many_reactions",
      );
    }
    return { reactions: [...reactions, { emoji, users: [user] }], on: true };
  }
  const r = reactions[i];
  const out = [...reactions];
  if (r.users.includes(user)) {
    const users = r.users.filter((u) => u !== user);
    if (users.length) out[i] = { emoji, users };
    else out.splice(i, 1);
    return { reactions: out, on: false };
  }
  if (r.users.length >= MAX_USERS_PER_REACTION) {
    throw new BadRequestError(
      "Too many people reacted with this emoji already.",
      "too_many_reactions",
    );
  }
  out[i] = { emoji, users: [...r.users, user] };
  return { reactions: out, on: true };
}

/**
 * Toggles `user`'s `emoji` on message `messageId` of `roomId`. The user must
 * be a member of a room that is not archived; the message must be in that
 * room and not deleted; the emoji must be in the allowed set.
 */
export async function toggleReaction(
  kv: Deno.Kv,
  user: string,
  roomId: string,
  messageId: string,
  emoji: string,
): Promise<ReactionChange> {
  if (!isAllowedEmoji(emoji)) {
    throw new BadRequestError(
      "That emoji is not one of the allowed reactions.",
      "invalid_emoji",
    );
  }
  await requireWritable(kv, user, roomId);
  return await commitWithRetry(kv, async (kv) => {
    const idx = await kv.get<number>(msgIdKey(roomId, messageId));
    if (idx.value === null) throw new NotFoundError("No such message.");
    const entry = await kv.get<Message>(msgKey(roomId, idx.value));
    const m = entry.value;
    if (!m || m.deleted) throw new NotFoundError("No such message.");
    const { reactions, on } = toggled(m.reactions ?? [], emoji, user);
    const next: Message = { ...m, reactions };
    if (!reactions.length) delete next.reactions;
    return [kv.atomic().check(entry).set(entry.key, next), {
      on,
      message: next,
    }];
  });
}
