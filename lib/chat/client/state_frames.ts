/**
 * The parts of the chat reducer that apply server frames and history pages,
 * plus the small state helpers they share with `state.ts`.
 * @module
 */
import type { Message, ServerFrame } from "../protocol.ts";
import { insertBySeq, mergeBySeq } from "./merge.ts";
import { applyRichFrame } from "./state_rich.ts";
import {
  type Action,
  ANNOUNCE_BURST_MS,
  type ChatState,
  emptyRoom,
  MAX_KEPT_PER_ROOM,
  type PendingMessage,
  type RoomState,
  TYPING_TTL_MS,
} from "./state_types.ts";

/** The state of room `id` (an empty one if unseen). */
export function room(s: ChatState, id: string): RoomState {
  return s.byRoom[id] ?? emptyRoom();
}

/** `s` with room `id` replaced by `r`. */
export function withRoom(s: ChatState, id: string, r: RoomState): ChatState {
  return { ...s, byRoom: { ...s.byRoom, [id]: r } };
}

/** The larger of `start` and the last seq in `list`. */
export function maxSeq(list: readonly Message[], start: number): number {
  return list.length ? Math.max(start, list[list.length - 1].seq) : start;
}

/** Keeps at most MAX_KEPT_PER_ROOM newest messages. */
export function capped(r: RoomState): RoomState {
  if (r.messages.length <= MAX_KEPT_PER_ROOM) return r;
  return {
    ...r,
    messages: r.messages.slice(r.messages.length - MAX_KEPT_PER_ROOM),
    hasOlder: true,
  };
}

/** The room list with room `id`'s unread count changed by `f`. */
export function setUnread(
  s: ChatState,
  id: string,
  f: (n: number) => number,
): ChatState["rooms"] {
  return s.rooms.map((r) => r.id === id ? { ...r, unread: f(r.unread) } : r);
}

/**
 * The live-region announcement for a new message from `author`. Several
 * within {@link ANNOUNCE_BURST_MS} (a catch-up) become one summary, so a
 * screen reader is not flooded.
 */
export function announce(
  s: ChatState,
  author: string,
  text: string,
  now: number,
): ChatState["announcement"] {
  const prev = s.announcement;
  const inBurst = prev.at !== undefined && now - prev.at < ANNOUNCE_BURST_MS;
  const burst = inBurst ? (prev.burst ?? 1) + 1 : 1;
  return {
    n: prev.n + 1,
    at: inBurst ? prev.at : now,
    burst,
    text: burst > 1
      ? `${burst} new messages. Latest from ${author}: ${clip(text)}`
      : `${author}: ${clip(text)}`,
  };
}

/** `text` shortened to `n` characters with an ellipsis. */
export function clip(text: string, n = 140): string {
  return text.length > n ? text.slice(0, n - 1) + "…" : text;
}

/** `s` with every pending message passed through `f`. */
export function mapPending(
  s: ChatState,
  f: (p: PendingMessage) => PendingMessage,
): ChatState {
  let changed = false;
  const byRoom = { ...s.byRoom };
  for (const [id, r] of Object.entries(s.byRoom)) {
    if (!r.pending.length) continue;
    const pending = r.pending.map(f);
    if (pending.some((p, i) => p !== r.pending[i])) {
      byRoom[id] = { ...r, pending };
      changed = true;
    }
  }
  return changed ? { ...s, byRoom } : s;
}

/** `s` keeping only the pending messages `keep` accepts. */
export function filterPending(
  s: ChatState,
  keep: (p: PendingMessage) => boolean,
): ChatState {
  let changed = false;
  const byRoom = { ...s.byRoom };
  for (const [id, r] of Object.entries(s.byRoom)) {
    const pending = r.pending.filter(keep);
    if (pending.length !== r.pending.length) {
      byRoom[id] = { ...r, pending };
      changed = true;
    }
  }
  return changed ? { ...s, byRoom } : s;
}

/** Merges a fetched page of history (newest page, or an older one). */
export function applyHistory(
  s: ChatState,
  a: Extract<Action, { type: "history" }>,
): ChatState {
  const r = room(s, a.room);
  const fetched = [...a.messages].sort((x, y) => x.seq - y.seq);
  let base = r.messages;
  if (a.mode === "initial" && fetched.length) {
    // The fetched page is the newest; anything we hold below it arrived live
    // while the room was not loaded and may sit after a gap: drop it.
    base = base.filter((m) => m.seq >= fetched[0].seq);
  }
  const messages = mergeBySeq(base, fetched);
  const confirmed = new Set(messages.map((m) => m.cid).filter(Boolean));
  const hasOlder = a.mode === "initial" && !fetched.length
    ? false
    : fetched.length >= a.limit;
  return withRoom(
    s,
    a.room,
    capped({
      ...r,
      messages,
      pending: r.pending.filter((p) => !confirmed.has(p.cid)),
      lastSeq: maxSeq(messages, r.lastSeq),
      loaded: r.loaded || a.mode === "initial",
      hasOlder: a.mode === "older" || !r.loaded ? hasOlder : r.hasOlder,
    }),
  );
}

/** `s` without room `id` (after leaving it); closes it if it was open. */
export function removeRoom(s: ChatState, id: string): ChatState {
  if (!s.rooms.some((r) => r.id === id) && !s.byRoom[id]) return s;
  const { [id]: _r, ...byRoom } = s.byRoom;
  const { [id]: _t, ...typing } = s.typing;
  return {
    ...s,
    rooms: s.rooms.filter((r) => r.id !== id),
    byRoom,
    typing,
    active: s.active === id ? null : s.active,
  };
}

/** Applies one server frame. */
export function applyFrame(
  s: ChatState,
  f: ServerFrame,
  now: number,
): ChatState {
  switch (f.type) {
    case "subscribed": {
      const r = room(s, f.room);
      if (f.seq <= r.lastSeq) return s;
      return withRoom(s, f.room, { ...r, lastSeq: f.seq });
    }
    case "message": {
      const m = f.message;
      const r = room(s, f.room);
      const isNew = m.seq > r.lastSeq;
      const pending = m.author === s.me && m.cid
        ? r.pending.filter((p) => p.cid !== m.cid)
        : r.pending;
      let out = withRoom(
        s,
        f.room,
        capped({
          ...r,
          messages: insertBySeq(r.messages, m),
          pending,
          lastSeq: Math.max(r.lastSeq, m.seq),
        }),
      );
      const typing = out.typing[f.room];
      if (typing && m.author in typing) {
        const { [m.author]: _, ...rest } = typing;
        out = { ...out, typing: { ...out.typing, [f.room]: rest } };
      }
      if (!isNew || m.author === s.me || m.deleted) return out;
      if (f.room !== s.active) {
        const me = m.mentionsRoom || (m.mentions ?? []).includes(s.me);
        return {
          ...out,
          rooms: setUnread(out, f.room, (n) => n + 1).map((r) =>
            me && r.id === f.room
              ? { ...r, mentions: (r.mentions ?? 0) + 1 }
              : r
          ),
        };
      }
      return {
        ...out,
        announcement: announce(out, m.author, m.text, now),
      };
    }
    case "edited":
    case "deleted": {
      const r = room(s, f.room);
      if (!r.messages.some((m) => m.id === f.message.id)) return s;
      return withRoom(s, f.room, {
        ...r,
        messages: insertBySeq(r.messages, f.message, true),
      });
    }
    case "ack": {
      const r = room(s, f.room);
      const p = r.pending.find((x) => x.cid === f.cid);
      if (!p) return s;
      const m: Message = {
        id: f.id,
        room: f.room,
        seq: f.seq,
        author: s.me,
        text: p.text,
        createdAt: p.createdAt,
        cid: f.cid,
      };
      if (p.replyTo) m.replyTo = p.replyTo;
      if (p.files?.length) m.files = p.files;
      return withRoom(s, f.room, {
        ...r,
        messages: insertBySeq(r.messages, m),
        pending: r.pending.filter((x) => x.cid !== f.cid),
        lastSeq: Math.max(r.lastSeq, f.seq),
      });
    }
    case "typing": {
      if (f.user === s.me) return s;
      const users = { ...s.typing[f.room], [f.user]: now + TYPING_TTL_MS };
      return { ...s, typing: { ...s.typing, [f.room]: users } };
    }
    case "left":
      return removeRoom(s, f.room);
    case "presence":
      if (s.presence[f.user] === f.online) return s;
      return { ...s, presence: { ...s.presence, [f.user]: f.online } };
    case "error": {
      if (f.cid) {
        const failed = mapPending(
          s,
          (p) =>
            p.cid === f.cid ? { ...p, status: "failed", error: f.message } : p,
        );
        if (failed !== s) return failed;
      }
      return { ...s, notice: f.message };
    }
    default:
      return applyRichFrame(s, f) ?? s;
  }
}
