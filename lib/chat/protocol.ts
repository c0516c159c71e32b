/**
 * The chat WebSocket protocol (DESIGN.md §9): frame types, limits and a pure
 * validator for client frames. Shared by the server and the islands, so it
 * must stay free of KV, Deno APIs and server-only imports.
 * @module
 */

/** Largest accepted frame, in bytes (UTF-8). A bigger frame closes with 1009. */
export const MAX_FRAME_BYTES = 64 * 1024;
/** Message text limit, in characters (code points) after trimming. */
export const MAX_TEXT_CHARS = 4000;
/** Longest accepted client message id. */
export const MAX_CID_LENGTH = 128;
/** Longest accepted room or message id. */
export const MAX_ID_LENGTH = 64;
/** Largest `limit` for history pages. */
export const MAX_HISTORY_LIMIT = 200;
/** Most files attached to one message. */
export const MAX_FILES_PER_MESSAGE = 10;
/** Most distinct reaction emoji on one message. */
export const MAX_REACTIONS_PER_MESSAGE = 20;

/** Clients send `{"type":"ping"}` this often; silent sockets are closed (4000). */
export const PING_INTERVAL_MS = 30_000;
/** A `typing` event shows for this long unless renewed (the server forwards at most one per second per user and room). */
export const TYPING_TTL_MS = 5_000;

/** WebSocket close codes used by the server. */
export const CloseCode = {
  /** Normal close (server shutting down, logout). */
  normal: 1000,
  /** Server going away (shutdown). */
  goingAway: 1001,
  /** A frame over {@link MAX_FRAME_BYTES}. */
  tooBig: 1009,
  /** The client stopped answering heartbeats. */
  heartbeatTimeout: 4000,
  /** The client reads too slowly; reconnect and catch up with `after`. */
  slowConsumer: 4008,
  /** The session behind the socket ended (logout or expiry): sign in again. */
  sessionEnded: 4001,
} as const;

/** Codes carried by `error` frames. */
export type ErrorCode =
  | "bad_json"
  | "bad_frame"
  | "unknown_type"
  | "invalid_text"
  | "not_found"
  | "forbidden"
  | "rate_limited"
  | "archived"
  | "invalid_emoji"
  | "too_many_reactions"
  | "internal";

/** A chat message as stored and sent (DESIGN.md §9). */
export interface Message {
  id: string;
  room: string;
  seq: number;
  /** Username of the author. */
  author: string;
  /** Text as typed (trimmed); "" when deleted. */
  text: string;
  /** ISO 8601. */
  createdAt: string;
  editedAt?: string;
  deleted?: boolean;
  cid?: string;
  /** Usernames of the room's members this message mentions (`@name`). */
  mentions?: string[];
  /** True when the message mentions everyone (`@room`). */
  mentionsRoom?: boolean;
  /** Reactions, one entry per emoji in first-reacted order (absent when none). */
  reactions?: Reaction[];
  /** The message this one replies to (same room). */
  replyTo?: ReplyRef;
  /** Files attached when sent (removed with the message). */
  files?: FileRef[];
}

/** One emoji's reactions on a message: who reacted, in order. */
export interface Reaction {
  emoji: string;
  users: string[];
}

/** A reply's pointer to the original message. */
export interface ReplyRef {
  id: string;
  seq: number;
}

/** A file attached to a message, as `POST /api/rooms/:id/files` answered. */
export interface FileRef {
  id: string;
  name: string;
  /** MIME type. */
  type: string;
  /** Bytes. */
  size: number;
  /** Pixel size, for png/jpeg/gif/webp images. */
  width?: number;
  height?: number;
}

/** Per-room notification level (DMs are always `all`). */
export type NotifyLevel = "all" | "mentions" | "none";

/** Room visibility; `direct` is a two-person DM room. */
export type Visibility = "public" | "private" | "direct";

/** One row of a user's room list. */
export interface RoomSummary {
  id: string;
  name: string;
  visibility: Visibility;
  unread: number;
  /** Unread messages that mention the user (by name or `@room`). */
  mentions?: number;
  /** The user's notification level for the room. */
  notify?: NotifyLevel;
  topic?: string;
  archived?: boolean;
}

// ---- client → server -------------------------------------------------------

export interface SubscribeFrame {
  type: "subscribe";
  room: string;
  after?: number;
}
export interface UnsubscribeFrame {
  type: "unsubscribe";
  room: string;
}
export interface SendFrame {
  type: "send";
  room: string;
  /** May be "" when `files` is not empty. */
  text: string;
  cid: string;
  replyTo?: ReplyRef;
  /** Ids of files uploaded to this room (≤ {@link MAX_FILES_PER_MESSAGE}). */
  files?: string[];
}
/** Toggles the sender's `emoji` reaction on message `id`. */
export interface ReactFrame {
  type: "react";
  room: string;
  id: string;
  emoji: string;
}
export interface EditFrame {
  type: "edit";
  room: string;
  id: string;
  text: string;
}
export interface DeleteFrame {
  type: "delete";
  room: string;
  id: string;
}
export interface TypingClientFrame {
  type: "typing";
  room: string;
}
export interface ReadFrame {
  type: "read";
  room: string;
  seq: number;
}
export interface PingFrame {
  type: "ping";
}

/** Any frame a client may send. */
export type ClientFrame =
  | SubscribeFrame
  | UnsubscribeFrame
  | SendFrame
  | EditFrame
  | DeleteFrame
  | TypingClientFrame
  | ReadFrame
  | ReactFrame
  | PingFrame;

// ---- server → client -------------------------------------------------------

export interface SubscribedFrame {
  type: "subscribed";
  room: string;
  /** The room's latest seq (0 for an empty room). */
  seq: number;
}
export interface AckFrame {
  type: "ack";
  cid: string;
  room: string;
  id: string;
  seq: number;
}
export interface MessageFrame {
  type: "message";
  room: string;
  message: Message;
  /** Same as `message.mentions` (usernames mentioned). */
  mentions?: string[];
  /** Same as `message.mentionsRoom`. */
  mentionsRoom?: boolean;
}

/** A `message` frame for `m`, with its mentions at the top level too. */
export function messageFrame(m: Message): MessageFrame {
  return {
    type: "message",
    room: m.room,
    message: m,
    mentions: m.mentions ?? [],
    mentionsRoom: m.mentionsRoom ?? false,
  };
}
export interface EditedFrame {
  type: "edited" | "deleted";
  room: string;
  message: Message;
}
export interface TypingFrame {
  type: "typing";
  room: string;
  user: string;
}
export interface PresenceFrame {
  type: "presence";
  user: string;
  online: boolean;
}
export interface ErrorFrame {
  type: "error";
  code: ErrorCode | string;
  message: string;
  cid?: string;
}
export interface PongFrame {
  type: "pong";
}
/** Sent to all of a user's sockets after they left a room (no more live events for it). */
export interface LeftFrame {
  type: "left";
  room: string;
}

/**
 * Sent to all of a user's sockets when they were added to a room or a direct
 * message was opened with them: the client refreshes its room list and
 * subscribes.
 */
export interface RoomAddedFrame {
  type: "room_added";
  room: string;
}

/** A reaction was added (`on: true`) or removed by `user`. */
export interface ReactionFrame {
  type: "reaction";
  room: string;
  /** Message id. */
  id: string;
  emoji: string;
  user: string;
  on: boolean;
}

/** A room's topic, name or archived state changed (to every member). */
export type RoomChangeFrame =
  | { type: "topic"; room: string; topic: string; by: string }
  | { type: "renamed"; room: string; name: string; by: string }
  | { type: "archived"; room: string; archived: boolean; by: string };

/** Any frame the server sends. Per-user bus events (e.g. `campaign`) are passed through as-is. */
export type ServerFrame =
  | SubscribedFrame
  | AckFrame
  | MessageFrame
  | EditedFrame
  | TypingFrame
  | PresenceFrame
  | ErrorFrame
  | PongFrame
  | LeftFrame
  | RoomAddedFrame
  | ReactionFrame
  | RoomChangeFrame;

// ---- validation ------------------------------------------------------------

/** Result of {@link parseClientFrame}. */
export type ParseResult =
  | { ok: true; frame: ClientFrame }
  | { ok: false; error: ErrorFrame };

/** Number of characters (code points) in `s`. */
export function charCount(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * Checks message text: 1 to {@link MAX_TEXT_CHARS} characters after trimming.
 * Returns the trimmed text, or an error message.
 */
export function checkText(
  text: unknown,
): { ok: true; text: string } | { ok: false; message: string } {
  if (typeof text !== "string") {
    return { ok: false, message: "text must be a string." };
  }
  const trimmed = text.trim();
  if (trimmed.length === 0) {
    return { ok: false, message: "Message text is empty." };
  }
  if (
    trimmed.length > MAX_TEXT_CHARS && charCount(trimmed) > MAX_TEXT_CHARS
  ) {
    return {
      ok: false,
      message: `Message text is over ${MAX_TEXT_CHARS} characters.`,
    };
  }
  if (trimmed.includes("\0")) {
    return { ok: false, message: "Message text contains a NUL character." };
  }
  return { ok: true, text: trimmed };
}

const ID_RE = /^[A-Za-z0-9_-]+$/;

/** True when `v` looks like a room or message id. */
export function isId(v: unknown): v is string {
  return typeof v === "string" && v.length > 0 &&
    v.length <= MAX_ID_LENGTH && ID_RE.test(v);
}

/** True when `v` is a valid seq (a non-negative safe integer). */
export function isSeq(v: unknown): v is number {
  return typeof v === "number" && Number.isSafeInteger(v) && v >= 0;
}

function fail(code: ErrorCode, message: string, cid?: string): ParseResult {
  const error: ErrorFrame = { type: "error", code, message };
  if (cid !== undefined) error.cid = cid;
  return { ok: false, error };
}

/**
 * Parses and validates one client text frame. Never throws: a bad frame gives
 * an `error` frame to send back (with the frame's `cid` when it had a valid one).
 * Unknown extra fields are ignored. Send text is returned trimmed.
 */
export function parseClientFrame(text: string): ParseResult {
  if (typeof text !== "string" || text.length === 0) {
    return fail("bad_frame", "Empty frame.");
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail("bad_json", "The frame is not valid JSON.");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    return fail("bad_frame", "A frame must be a JSON object.");
  }
  const f = raw as Record<string, unknown>;
  const cid = typeof f.cid === "string" && f.cid.length > 0 &&
      f.cid.length <= MAX_CID_LENGTH
    ? f.cid
    : undefined;
  if (typeof f.type !== "string") {
    return fail("bad_frame", "A frame needs a string `type`.", cid);
  }
  if (f.type === "ping") return { ok: true, frame: { type: "ping" } };
  if (
    ![
      "subscribe",
      "unsubscribe",
      "send",
      "edit",
      "delete",
      "typing",
      "read",
      "react",
    ].includes(f.type)
  ) {
    return fail("unknown_type", `Unknown frame type "${f.type.slice(0, 32)}".`);
  }
  if (!isId(f.room)) {
    return fail("bad_frame", "`room` must be a room id.", cid);
  }
  const room = f.room;
  switch (f.type) {
    case "subscribe": {
      if (f.after === undefined || f.after === null) {
        return { ok: true, frame: { type: "subscribe", room } };
      }
      if (!isSeq(f.after)) {
        return fail("bad_frame", "`after` must be a non-negative integer.");
      }
      return { ok: true, frame: { type: "subscribe", room, after: f.after } };
    }
    case "unsubscribe":
    case "typing":
      return { ok: true, frame: { type: f.type, room } };
    case "send": {
      if (cid === undefined) {
        return fail(
          "bad_frame",
          `\`cid\` must be a string of 1 to ${MAX_CID_LENGTH} characters.`,
        );
      }
      const extra = parseSendExtras(f);
      if (typeof extra === "string") return fail("bad_frame", extra, cid);
      const t = extra.files?.length && typeof f.text === "string" &&
          f.text.trim() === ""
        ? { ok: true as const, text: "" }
        : checkText(f.text);
      if (!t.ok) return fail("invalid_text", t.message, cid);
      return {
        ok: true,
        frame: { type: "send", room, text: t.text, cid, ...extra },
      };
    }
    case "react": {
      if (!isId(f.id)) return fail("bad_frame", "`id` must be a message id.");
      if (typeof f.emoji !== "string" || f.emoji.length > 16) {
        return fail("bad_frame", "`emoji` must be a short string.");
      }
      return {
        ok: true,
        frame: { type: "react", room, id: f.id, emoji: f.emoji },
      };
    }
    case "edit": {
      if (!isId(f.id)) return fail("bad_frame", "`id` must be a message id.");
      const t = checkText(f.text);
      if (!t.ok) return fail("invalid_text", t.message);
      return {
        ok: true,
        frame: { type: "edit", room, id: f.id, text: t.text },
      };
    }
    case "delete": {
      if (!isId(f.id)) return fail("bad_frame", "`id` must be a message id.");
      return { ok: true, frame: { type: "delete", room, id: f.id } };
    }
    case "read": {
      if (!isSeq(f.seq)) {
        return fail("bad_frame", "`seq` must be a non-negative integer.");
      }
      return { ok: true, frame: { type: "read", room, seq: f.seq } };
    }
  }
  return fail("unknown_type", "Unknown frame type.");
}

/** Reads `replyTo` and `files` of a send frame; a string is the error. */
function parseSendExtras(
  f: Record<string, unknown>,
): { replyTo?: ReplyRef; files?: string[] } | string {
  const out: { replyTo?: ReplyRef; files?: string[] } = {};
  if (f.replyTo !== undefined && f.replyTo !== null) {
    const r = f.replyTo as Record<string, unknown>;
    if (typeof r !== "object" || !isId(r.id) || !isSeq(r.seq)) {
      return "`replyTo` must be {id, seq} of a message.";
    }
    out.replyTo = { id: r.id, seq: r.seq };
  }
  if (f.files !== undefined && f.files !== null) {
    if (
      !Array.isArray(f.files) || !f.files.every(isId) ||
      f.files.length > MAX_FILES_PER_MESSAGE
    ) {
      return `\`files\` must be a list of at most ${MAX_FILES_PER_MESSAGE} file ids.`;
    }
    if (f.files.length) out.files = [...new Set(f.files as string[])];
  }
  return out;
}

/** Serialises a frame (server or client) to its wire text. */
export function encodeFrame(frame: ServerFrame | ClientFrame): string {
  return JSON.stringify(frame);
}
