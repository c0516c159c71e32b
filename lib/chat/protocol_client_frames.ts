/**
 * The frames a chat client sends (DESIGN.md §9). Types only; shared with the
 * islands.
 * @module
 */
import type { ReplyRef } from "./protocol_types.ts";

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
