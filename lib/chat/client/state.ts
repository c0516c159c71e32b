/**
 * The chat client's state and its pure reducer: rooms with unread counts,
 * per-room message lists merged by `seq` (no duplicates, ever), messages
 * being sent (pending until `ack`, failed with a reason), typing and
 * presence. No DOM, no sockets: the island feeds actions in.
 * @module
 */
import type { Message, RoomSummary } from "../protocol.ts";
import {
  type Action,
  type ChatState,
  emptyRoom,
  PENDING_TIMEOUT_MS,
  type PendingMessage,
} from "./state_types.ts";
import {
  applyFrame,
  applyHistory,
  filterPending,
  mapPending,
  removeRoom,
  room,
  setUnread,
  withRoom,
} from "./state_frames.ts";

export * from "./state_types.ts";
export * from "./state_selectors.ts";

/** The initial state, optionally with the server-rendered room and history. */
export function initialState(input: {
  me: string;
  rooms: RoomSummary[];
  active?: string | null;
  messages?: Message[];
  limit?: number;
  /** The room's latest seq when `messages` was read (resume point). */
  latestSeq?: number;
}): ChatState {
  let s: ChatState = {
    me: input.me,
    rooms: input.rooms,
    active: null,
    byRoom: {},
    typing: {},
    presence: {},
    connection: "connecting",
    announcement: { n: 0, text: "" },
    notice: "",
    unreadFrom: {},
    unreadAwaiting: {},
    flash: null,
  };
  const unread = input.rooms.find((r) => r.id === input.active)?.unread ?? 0;
  if (input.active) {
    s = reduce(s, { type: "open", room: input.active });
    if (input.messages) {
      s = reduce(s, {
        type: "history",
        room: input.active,
        messages: input.messages,
        mode: "initial",
        limit: input.limit ?? 50,
      });
      const r = s.byRoom[input.active];
      if (input.latestSeq !== undefined && input.latestSeq > r.lastSeq) {
        s = withRoom(s, input.active, { ...r, lastSeq: input.latestSeq });
      }
      if (unread > 0 && input.latestSeq !== undefined) {
        s = {
          ...s,
          unreadFrom: { [input.active]: input.latestSeq - unread + 1 },
        };
      }
    }
  }
  return s;
}

/** The pure reducer. */
export function reduce(s: ChatState, a: Action): ChatState {
  switch (a.type) {
    case "rooms": {
      const rooms = a.rooms.map((r) =>
        r.id === s.active ? { ...r, unread: 0 } : r
      );
      return { ...s, rooms };
    }
    case "room-removed":
      return removeRoom(s, a.room);
    case "room-added": {
      if (s.rooms.some((r) => r.id === a.room.id)) return s;
      return { ...s, rooms: [...s.rooms, a.room] };
    }
    case "open": {
      if (a.room === null) return { ...s, active: null };
      const row = s.rooms.find((r) => r.id === a.room);
      const last = s.byRoom[a.room]?.lastSeq ?? -1;
      const unreadFrom = { ...s.unreadFrom };
      const { [a.room]: _, ...unreadAwaiting } = s.unreadAwaiting;
      if (row && row.unread > 0 && last >= 0) {
        unreadFrom[a.room] = last - row.unread + 1;
      } else if (row && row.unread > 0) {
        // Its latest seq comes with the first page of history.
        unreadAwaiting[a.room] = row.unread;
      } else if (a.room !== s.active) delete unreadFrom[a.room];
      const next = {
        ...s,
        active: a.room,
        unreadFrom,
        unreadAwaiting,
        rooms: setUnread(s, a.room, () => 0).map((r) =>
          r.id === a.room ? { ...r, mentions: 0 } : r
        ),
      };
      return s.byRoom[a.room] ? next : withRoom(next, a.room, emptyRoom());
    }
    case "history": {
      const next = applyHistory(s, a);
      const unread = s.unreadAwaiting[a.room];
      const last = next.byRoom[a.room].lastSeq;
      if (a.mode !== "initial" || unread === undefined || last < 0) {
        return next;
      }
      const { [a.room]: _, ...unreadAwaiting } = s.unreadAwaiting;
      return {
        ...next,
        unreadAwaiting,
        unreadFrom: { ...next.unreadFrom, [a.room]: last - unread + 1 },
      };
    }
    case "frame":
      return applyFrame(s, a.frame, a.now);
    case "send": {
      const r = room(s, a.room);
      const p: PendingMessage = {
        cid: a.cid,
        room: a.room,
        text: a.text,
        sentAt: a.now,
        createdAt: new Date(a.now).toISOString(),
        status: "pending",
      };
      if (a.replyTo) p.replyTo = a.replyTo;
      if (a.files?.length) p.files = a.files;
      return withRoom(s, a.room, { ...r, pending: [...r.pending, p] });
    }
    case "resent":
    case "retry": {
      const cids = a.type === "retry" ? [a.cid] : a.cids;
      return mapPending(
        s,
        (p) =>
          cids.includes(p.cid)
            ? { ...p, status: "pending", error: undefined, sentAt: a.now }
            : p,
      );
    }
    case "discard":
      return filterPending(s, (p) => p.cid !== a.cid);
    case "connection":
      return a.status === s.connection ? s : { ...s, connection: a.status };
    case "tick": {
      const timeout = a.pendingTimeoutMs ?? PENDING_TIMEOUT_MS;
      let out = mapPending(
        s,
        (p) =>
          s.connection === "online" && p.status === "pending" &&
            a.now - p.sentAt >= timeout
            ? { ...p, status: "failed", error: "Not delivered yet." }
            : p,
      );
      let changed = false;
      const typing: ChatState["typing"] = {};
      for (const [rid, users] of Object.entries(s.typing)) {
        const keep = Object.fromEntries(
          Object.entries(users).filter(([, exp]) => exp > a.now),
        );
        if (Object.keys(keep).length !== Object.keys(users).length) {
          changed = true;
        }
        if (Object.keys(keep).length) typing[rid] = keep;
      }
      if (changed) out = { ...out, typing };
      return out;
    }
    case "read": {
      const r = room(s, a.room);
      if (a.seq <= r.readSeq) return s;
      return withRoom(s, a.room, { ...r, readSeq: a.seq });
    }
    case "notice":
      return { ...s, notice: a.text };
    case "read-all":
      return {
        ...s,
        rooms: s.rooms.map((r) => ({ ...r, unread: 0, mentions: 0 })),
      };
    case "notify":
      return {
        ...s,
        rooms: s.rooms.map((r) =>
          r.id === a.room ? { ...r, notify: a.level } : r
        ),
      };
    case "flash":
      return {
        ...s,
        flash: { room: a.room, seq: a.seq, n: (s.flash?.n ?? 0) + 1 },
      };
  }
}
