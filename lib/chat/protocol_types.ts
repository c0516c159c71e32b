/**
 * The data chat frames carry: messages, reactions, replies, attached files
 * and room summaries (DESIGN.md §9). Types only; shared with the islands.
 * @module
 */

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
