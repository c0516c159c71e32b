/**
 * The chat client's state and its pure reducer: rooms with unread counts,
 * per-room message lists merged by `seq` (no duplicates, ever), messages
 * being sent (pending until `ack`, failed with a reason), typing and
 * presence. No DOM, no sockets: the island feeds actions in.
 * @module
 */
import {
  type Message,
  type RoomSummary,
  type ServerFrame,
  TYPING_TTL_MS,
} from "../chat/protocol.ts";
import { insertBySeq, mergeBySeq } from "./merge.ts";

/** A message being sent: shown at the bottom until acknowledged. */
export interface PendingMessage {
  cid: string;
  room: string;
  text: string;
  /** When it was (last) sent, ms since the epoch. */
  sentAt: number;
  createdAt: string;
  status: "pending" | "failed";
  error?: string;
}

/** One room's client-side view. */
export interface RoomState {
  /** Confirmed messages, ascending by seq, unique by seq and id. */
  messages: Message[];
  /** Messages sent from this tab and not yet acknowledged, in send order. */
  pending: PendingMessage[];
  /** Highest seq seen for this room (messages, acks, `subscribed`); -1 if none. */
  lastSeq: number;
  /** True once the newest page of history has been fetched or server-rendered. */
  loaded: boolean;
  /** True while older messages may exist before `messages[0]`. */
  hasOlder: boolean;
  /** Highest seq already reported with a `read` frame. */
  readSeq: number;
}

/** The socket's state as the user sees it. */
export type ConnectionStatus =
  | "connecting"
  | "online"
  | "reconnecting"
  | "offline";

/** The whole client state. */
export interface ChatState {
  me: string;
  rooms: RoomSummary[];
  active: string | null;
  byRoom: Record<string, RoomState>;
  /** room → user → typing expiry (ms since the epoch). */
  typing: Record<string, Record<string, number>>;
  presence: Record<string, boolean>;
  connection: ConnectionStatus;
  /** Text for the ARIA live region; `n` changes on every announcement. */
  announcement: { n: number; text: string };
  /** A short error to show (e.g. rate limited), or "". */
  notice: string;
}

/** Everything the reducer understands. */
export type Action =
  | { type: "rooms"; rooms: RoomSummary[] }
  | { type: "room-added"; room: RoomSummary }
  | { type: "open"; room: string | null }
  | {
    type: "history";
    room: string;
    messages: Message[];
    mode: "initial" | "older";
    limit: number;
  }
  | { type: "frame"; frame: ServerFrame; now: number }
  | { type: "send"; room: string; cid: string; text: string; now: number }
  | { type: "resent"; cids: string[]; now: number }
  | { type: "retry"; cid: string; now: number }
  | { type: "discard"; cid: string }
  | { type: "connection"; status: ConnectionStatus }
  | { type: "tick"; now: number; pendingTimeoutMs?: number }
  | { type: "read"; room: string; seq: number }
  | { type: "notice"; text: string };

/** How long a typing event shows, in ms (the protocol's typing lifetime). */
export { TYPING_TTL_MS };
/**
 * A pending message not acknowledged this long after it was (re)sent on an
 * open connection is marked failed. While disconnected it stays pending and
 * is sent again, same cid, on reconnect.
 */
export const PENDING_TIMEOUT_MS = 15_000;
/** At most this many messages are kept per room; older ones reload on scroll. */
export const MAX_KEPT_PER_ROOM = 2000;

/** A fresh room state. */
export function emptyRoom(): RoomState {
  return {
    messages: [],
    pending: [],
    lastSeq: -1,
    loaded: false,
    hasOlder: true,
    readSeq: -1,
  };
}

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
  };
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
    }
  }
  return s;
}

function room(s: ChatState, id: string): RoomState {
  return s.byRoom[id] ?? emptyRoom();
}

function withRoom(s: ChatState, id: string, r: RoomState): ChatState {
  return { ...s, byRoom: { ...s.byRoom, [id]: r } };
}

function maxSeq(list: readonly Message[], start: number): number {
  return list.length ? Math.max(start, list[list.length - 1].seq) : start;
}

function capped(r: RoomState): RoomState {
  if (r.messages.length <= MAX_KEPT_PER_ROOM) return r;
  return {
    ...r,
    messages: r.messages.slice(r.messages.length - MAX_KEPT_PER_ROOM),
    hasOlder: true,
  };
}

function setUnread(s: ChatState, id: string, f: (n: number) => number) {
  return s.rooms.map((r) => r.id === id ? { ...r, unread: f(r.unread) } : r);
}

function announce(s: ChatState, text: string): ChatState["announcement"] {
  return { n: s.announcement.n + 1, text };
}

function clip(text: string, n = 140): string {
  return text.length > n ? text.slice(0, n - 1) + "…" : text;
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
    case "room-added": {
      if (s.rooms.some((r) => r.id === a.room.id)) return s;
      return { ...s, rooms: [...s.rooms, a.room] };
    }
    case "open": {
      if (a.room === null) return { ...s, active: null };
      const next = {
        ...s,
        active: a.room,
        rooms: setUnread(s, a.room, () => 0),
      };
      return s.byRoom[a.room] ? next : withRoom(next, a.room, emptyRoom());
    }
    case "history":
      return history(s, a);
    case "frame":
      return frame(s, a.frame, a.now);
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
  }
}

function mapPending(
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

function filterPending(
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

function history(
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

function frame(s: ChatState, f: ServerFrame, now: number): ChatState {
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
        return { ...out, rooms: setUnread(out, f.room, (n) => n + 1) };
      }
      return {
        ...out,
        announcement: announce(out, `${m.author}: ${clip(m.text)}`),
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
      return s;
  }
}

/** A message as the pane shows it: confirmed, or pending/failed from this tab. */
export type ShownMessage = Message & {
  status?: "pending" | "failed";
  error?: string;
};

/** Confirmed messages then this tab's pending ones, for `roomId`. */
export function shownMessages(s: ChatState, roomId: string): ShownMessage[] {
  const r = s.byRoom[roomId];
  if (!r) return [];
  const pending: ShownMessage[] = r.pending.map((p) => ({
    id: `cid:${p.cid}`,
    room: p.room,
    seq: -1,
    author: s.me,
    text: p.text,
    createdAt: p.createdAt,
    cid: p.cid,
    status: p.status,
    error: p.error,
  }));
  return [...r.messages, ...pending];
}

/** Usernames typing in `roomId` at `now`, sorted. */
export function typingUsers(
  s: ChatState,
  roomId: string,
  now: number,
): string[] {
  return Object.entries(s.typing[roomId] ?? {})
    .filter(([, exp]) => exp > now)
    .map(([u]) => u)
    .sort();
}

/** The `read` frame to send for the active room, or null if nothing new. */
export function pendingRead(
  s: ChatState,
): { room: string; seq: number } | null {
  if (!s.active) return null;
  const r = s.byRoom[s.active];
  if (!r || !r.messages.length) return null;
  const seq = r.messages[r.messages.length - 1].seq;
  return seq > r.readSeq ? { room: s.active, seq } : null;
}

/** Subscribe frames for (re)connecting: `after` for every room with a known seq. */
export function subscriptions(
  s: ChatState,
): { type: "subscribe"; room: string; after?: number }[] {
  return s.rooms.map((r) => {
    const rs = s.byRoom[r.id];
    const seq = rs ? (rs.loaded ? Math.max(rs.lastSeq, 0) : rs.lastSeq) : -1;
    return seq >= 0
      ? { type: "subscribe" as const, room: r.id, after: seq }
      : { type: "subscribe" as const, room: r.id };
  });
}

/** Pending (not failed) messages to send again after a reconnect. */
export function unsentMessages(s: ChatState): PendingMessage[] {
  return Object.values(s.byRoom).flatMap((r) =>
    r.pending.filter((p) => p.status === "pending")
  );
}
