/**
 * Tunables and counters of the chat hub.
 * @module
 */

/** Tunables; defaults suit production, tests shrink them. */
export interface HubOptions {
  /** Buffered bytes a socket may keep for a while (default 256 KiB). */
  softBufferBytes?: number;
  /** Buffered bytes that close a socket at once (default 1 MiB). */
  hardBufferBytes?: number;
  /** How long a socket may stay over the soft bound (default 10 s). */
  slowConsumerMs?: number;
  /** A socket silent this long is closed with 4000 (default 75 s). */
  idleTimeoutMs?: number;
  /** How often sockets are checked (default 1 s). */
  sweepMs?: number;
  /** Send burst per user (default 30). */
  sendBurst?: number;
  /** Sends per second per user, sustained (default 10). */
  sendPerSecond?: number;
  /** A socket's typing is forwarded at most once per this per room (default 1 s). */
  typingThrottleMs?: number;
  /** Most rooms one socket may follow (default 500). */
  maxRoomsPerSocket?: number;
  /** Most frames waiting to be handled per socket (default 256). */
  maxQueuedFrames?: number;
  /** Presence entry lifetime in KV (default 60 s). */
  presenceTtlMs?: number;
  /** How often sockets re-check session and memberships in KV (default 30 s). */
  revalidateMs?: number;
  /** Share send-limit tokens with other instances over the bus (workers, several processes). */
  shareSendLimit?: boolean;
}

/** Defaults of {@link HubOptions}. */
export const HUB_DEFAULTS: Required<HubOptions> = {
  softBufferBytes: 256 << 10,
  hardBufferBytes: 1 << 20,
  slowConsumerMs: 10_000,
  idleTimeoutMs: 75_000,
  sweepMs: 1_000,
  sendBurst: 30,
  sendPerSecond: 10,
  typingThrottleMs: 1_000,
  maxRoomsPerSocket: 500,
  maxQueuedFrames: 256,
  presenceTtlMs: 60_000,
  revalidateMs: 30_000,
  shareSendLimit: false,
};

/** Counters for tests, metrics and the benchmark. */
export interface HubStats {
  sockets: number;
  rooms: number;
  users: number;
  slowClosed: number;
  idleClosed: number;
  tooBigClosed: number;
  /** Highest `bufferedAmount` seen on any socket right after a send. */
  maxBuffered: number;
}
