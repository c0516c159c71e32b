/**
 * Limits, timings and WebSocket close codes of the chat protocol
 * (DESIGN.md §9). Shared with the islands: no KV, Deno APIs or server imports.
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
