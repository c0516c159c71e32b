/**
 * The frames the chat server sends (DESIGN.md §9), the `message` frame
 * builder and the wire encoding. Shared with the islands: no KV, Deno APIs or
 * server imports.
 * @module
 */
import type { ClientFrame } from "./protocol_client_frames.ts";
import type { Message } from "./protocol_types.ts";

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

/** Serialises a frame (server or client) to its wire text. */
export function encodeFrame(frame: ServerFrame | ClientFrame): string {
  return JSON.stringify(frame);
}
