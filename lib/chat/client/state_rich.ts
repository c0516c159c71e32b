/**
 * Reducer parts for the richer chat frames: `reaction` (toggle one user's
 * emoji on a loaded message) and the room changes `topic`, `renamed` and
 * `archived` (an archived room leaves the sidebar).
 * @module
 */
import type { Message, Reaction, ServerFrame } from "../protocol.ts";
import type { ChatState } from "./state_types.ts";

/** `reactions` with `user`'s `emoji` set to `on` (idempotent). */
export function setReaction(
  reactions: readonly Reaction[] | undefined,
  emoji: string,
  user: string,
  on: boolean,
): Reaction[] {
  const list = [...reactions ?? []];
  const i = list.findIndex((r) => r.emoji === emoji);
  if (on) {
    if (i < 0) return [...list, { emoji, users: [user] }];
    if (list[i].users.includes(user)) return list;
    list[i] = { emoji, users: [...list[i].users, user] };
    return list;
  }
  if (i < 0 || !list[i].users.includes(user)) return list;
  const users = list[i].users.filter((u) => u !== user);
  if (users.length) list[i] = { emoji, users };
  else list.splice(i, 1);
  return list;
}

/** Applies a rich frame; null when `f` is not one. */
export function applyRichFrame(
  s: ChatState,
  f: ServerFrame,
): ChatState | null {
  switch (f.type) {
    case "reaction": {
      const r = s.byRoom[f.room];
      if (!r) return s;
      const i = r.messages.findIndex((m) => m.id === f.id);
      if (i < 0) return s;
      const messages = [...r.messages];
      const m: Message = {
        ...messages[i],
        reactions: setReaction(messages[i].reactions, f.emoji, f.user, f.on),
      };
      if (!m.reactions?.length) delete m.reactions;
      messages[i] = m;
      return { ...s, byRoom: { ...s.byRoom, [f.room]: { ...r, messages } } };
    }
    case "topic":
    case "renamed":
    case "archived": {
      const rooms = s.rooms.map((r) => {
        if (r.id !== f.room) return r;
        if (f.type === "topic") return { ...r, topic: f.topic || undefined };
        if (f.type === "renamed") return { ...r, name: f.name };
        return { ...r, archived: f.archived || undefined };
      });
      return { ...s, rooms };
    }
    default:
      return null;
  }
}
