/**
 * Types and constants of the chat client state (see `state.ts`).
 * @module
 */
import type {
  FileRef,
  Message,
  NotifyLevel,
  ReplyRef,
  RoomSummary,
  ServerFrame,
} from "../protocol.ts";
import { TYPING_TTL_MS } from "../protocol.ts";

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
  replyTo?: ReplyRef;
  /** Uploaded files sent with it. */
  files?: FileRef[];
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
  | "offline"
  | "signed-out";

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
  /**
   * Text for the ARIA live region; `n` changes on every announcement. A burst
   * (catch-up after a reconnect) is summed up: `burst` messages since `at`.
   */
  announcement: { n: number; text: string; at?: number; burst?: number };
  /** A short error to show (e.g. rate limited), or "". */
  notice: string;
  /** room → seq of the first unread message when the room was opened (the "New messages" divider). */
  unreadFrom: Record<string, number>;
  /**
   * room → unread count at opening, while the room's latest seq was not
   * known yet: the divider is placed when its first page of history comes.
   */
  unreadAwaiting: Record<string, number>;
  /** A message to scroll to and flash (search result, notification); `n` changes per request. */
  flash: { room: string; seq: number; n: number } | null;
}

/** Everything the reducer understands. */
export type Action =
  | { type: "rooms"; rooms: RoomSummary[] }
  | { type: "room-added"; room: RoomSummary }
  | { type: "room-removed"; room: string }
  | { type: "open"; room: string | null }
  | {
    type: "history";
    room: string;
    messages: Message[];
    mode: "initial" | "older";
    limit: number;
  }
  | { type: "frame"; frame: ServerFrame; now: number }
  | {
    type: "send";
    room: string;
    cid: string;
    text: string;
    now: number;
    replyTo?: ReplyRef;
    files?: FileRef[];
  }
  | { type: "resent"; cids: string[]; now: number }
  | { type: "retry"; cid: string; now: number }
  | { type: "discard"; cid: string }
  | { type: "connection"; status: ConnectionStatus }
  | { type: "tick"; now: number; pendingTimeoutMs?: number }
  | { type: "read"; room: string; seq: number }
  | { type: "notice"; text: string }
  | { type: "read-all" }
  | { type: "notify"; room: string; level: NotifyLevel }
  | { type: "flash"; room: string; seq: number };

/** Messages announced within this many ms of each other count as one burst. */
export const ANNOUNCE_BURST_MS = 1500;
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
