/**
 * One chat socket's outbound side: ordered, gap-free delivery per room,
 * catch-up from the log, presence de-duplication and backpressure.
 *
 * Per room the connection keeps `lastSeq`: a live message is sent only when
 * it is exactly the next seq; otherwise the log is read first (the log is the
 * truth, a broadcast only a hint). While the log is being read, live events
 * wait in a bounded buffer; on overflow they are dropped and re-read.
 * @module
 */
import { AppError } from "../errors.ts";
import type { BusEvent } from "../events.ts";
import { readLog } from "./messages.ts";
import {
  type ErrorFrame,
  type Message,
  messageFrame,
  type PresenceFrame,
  type ServerFrame,
} from "./protocol.ts";

const PAGE = 200;
const MAX_PENDING = 1000;
/**
 * Reading `bufferedAmount` costs about as much as a send, so it is read after
 * every 16 Ki characters sent (and by the hub's sweep). A socket can thus
 * pass the hard bound by at most ~48 KiB plus one frame before it is closed.
 */
const CHECK_EVERY_CHARS = 16 * 1024;

/** Buffer bounds of a connection. */
export interface BufferLimits {
  softBufferBytes: number;
  hardBufferBytes: number;
  slowConsumerMs: number;
}

/** What a connection reports to its hub. */
export interface ConnectionHooks {
  /** The socket fell too far behind; the hub closes it with 4008. */
  onSlow(conn: Connection): void;
  /** Unexpected failure, logged; the socket stays open. */
  onError(conn: Connection, err: unknown): void;
  /** Catching up failed; the hub closes the socket (1011) so the client reconnects. */
  onBroken(conn: Connection, err: unknown): void;
  /** Highest `bufferedAmount` seen on any socket, updated here. */
  stats: { maxBuffered: number };
}

/** Delivery state of one room on one socket. */
export interface RoomSub {
  lastSeq: number;
  replaying: boolean;
  overflow: boolean;
  pending: BusEvent[];
}

/** A signed-in user's socket. */
export class Connection {
  readonly rooms = new Map<string, RoomSub>();
  // Made on first use: most idle sockets never type (bench/memory.ts).
  #presenceSent?: Map<string, boolean>;
  #typingAt?: Map<string, number>;
  lastSeen = Date.now();
  overSince = 0;
  closed = false;
  /** Frames are handled one at a time, in order. */
  chain: Promise<void> = Promise.resolve();
  /** The client's IP address ("" when unknown). */
  ip = "";
  /** The session behind the socket, and when it expires (ms since epoch). */
  session?: { id: string; expiresAt: number };
  /** Frames waiting in `chain`. */
  queued = 0;
  #unchecked = 0;

  constructor(
    readonly socket: WebSocket,
    readonly user: string,
    readonly kv: Deno.Kv,
    readonly limits: BufferLimits,
    readonly hooks: ConnectionHooks,
  ) {}

  /** Presence state last sent on this socket, per user. */
  get presenceSent(): Map<string, boolean> {
    return this.#presenceSent ??= new Map();
  }

  /** When this socket last sent `typing`, per room. */
  get typingAt(): Map<string, number> {
    return this.#typingAt ??= new Map();
  }

  /** Sends a frame (dropped silently once the socket is not open). */
  send(frame: ServerFrame): void {
    this.sendText(JSON.stringify(frame));
  }

  /** Sends encoded text and applies the buffer bounds. */
  sendText(text: string): void {
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) return;
    this.socket.send(text);
    this.#unchecked += text.length;
    if (this.#unchecked < CHECK_EVERY_CHARS) return;
    this.#unchecked = 0;
    const buffered = this.socket.bufferedAmount;
    if (buffered > this.hooks.stats.maxBuffered) {
      this.hooks.stats.maxBuffered = buffered;
    }
    if (buffered > this.limits.hardBufferBytes) return this.hooks.onSlow(this);
    if (buffered > this.limits.softBufferBytes) {
      if (!this.overSince) this.overSince = Date.now();
    } else this.overSince = 0;
  }

  /** Sends an `error` frame for `err` (AppErrors keep their code). */
  sendError(err: unknown, cid?: string): void {
    const frame: ErrorFrame = err instanceof AppError
      ? { type: "error", code: err.code, message: err.message }
      : { type: "error", code: "internal", message: "Something went wrong." };
    if (!(err instanceof AppError)) this.hooks.onError(this, err);
    if (cid !== undefined) frame.cid = cid;
    this.send(frame);
  }

  /** True when the buffer stayed over the soft bound for too long. */
  isSlow(now: number): boolean {
    if (this.socket.bufferedAmount <= this.limits.softBufferBytes) {
      this.overSince = 0;
      return false;
    }
    if (!this.overSince) this.overSince = now;
    return now - this.overSince > this.limits.slowConsumerMs;
  }

  /** Starts following `room`: live events buffer until {@link start}. */
  follow(room: string): RoomSub {
    const sub: RoomSub = {
      lastSeq: 0,
      replaying: true,
      overflow: false,
      pending: [],
    };
    this.rooms.set(room, sub);
    return sub;
  }

  /**
   * Replays `seq > from` from the log, sends `subscribed`, then goes live.
   */
  async start(room: string, sub: RoomSub, from: number): Promise<void> {
    sub.lastSeq = from;
    await this.#catchUp(room, sub, true);
  }

  /** Handles a live event of a followed room (`text` encodes it once). */
  deliver(room: string, ev: BusEvent, text: () => string): void {
    const sub = this.rooms.get(room);
    if (!sub || this.closed) return;
    if (ev.type === "presence") {
      return this.presence(ev as unknown as PresenceFrame);
    }
    if (sub.replaying) {
      if (sub.pending.length < MAX_PENDING) sub.pending.push(ev);
      else sub.overflow = true; // re-read from the log after the replay
      return;
    }
    if (ev.type === "message") {
      const seq = (ev.message as Message).seq;
      if (seq <= sub.lastSeq) return;
      if (seq > sub.lastSeq + 1) {
        sub.pending.push(ev);
        this.#catchUp(room, sub).catch((err) => this.hooks.onBroken(this, err));
        return;
      }
      sub.lastSeq = seq;
    } else if (ev.type === "typing" && ev.user === this.user) return;
    this.sendText(text());
  }

  /** Sends a presence change unless this socket already has that state. */
  presence(ev: PresenceFrame): void {
    if (this.presenceSent.get(ev.user) === ev.online) return;
    this.presenceSent.set(ev.user, ev.online);
    this.send(ev);
  }

  /** Waits until the buffer is under the soft bound; false if closed. */
  async drain(): Promise<boolean> {
    const start = Date.now();
    while (
      !this.closed && this.socket.bufferedAmount > this.limits.softBufferBytes
    ) {
      if (Date.now() - start > this.limits.slowConsumerMs) {
        this.hooks.onSlow(this);
        return false;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return !this.closed;
  }

  /**
   * Reads the log after `sub.lastSeq` until caught up, sends `subscribed`
   * the first time, then flushes buffered live events; repeats when one of
   * them shows a new gap or events were dropped.
   */
  async #catchUp(room: string, sub: RoomSub, first = false): Promise<void> {
    sub.replaying = true;
    for (;;) {
      sub.overflow = false;
      const before = sub.lastSeq;
      for (;;) {
        const page = await readLog(this.kv, room, {
          after: sub.lastSeq,
          limit: PAGE,
        });
        if (this.closed || this.rooms.get(room) !== sub) return;
        for (const m of page) this.#sendMessage(room, sub, m);
        if (page.length < PAGE) break;
        if (!(await this.drain())) return;
      }
      if (first) {
        this.send({ type: "subscribed", room, seq: sub.lastSeq });
        first = false;
      }
      const pending = sub.pending;
      sub.pending = [];
      let gap = -1;
      for (let i = 0; i < pending.length && gap < 0; i++) {
        const ev = pending[i];
        if (ev.type === "message") {
          const m = ev.message as Message;
          if (m.seq > sub.lastSeq + 1) gap = i;
          else this.#sendMessage(room, sub, m);
        } else if (ev.type !== "typing" || ev.user !== this.user) {
          this.sendText(JSON.stringify(ev));
        }
      }
      if (gap >= 0) {
        // A gap the log could not fill (a bogus event): drop that event.
        const stuck = sub.lastSeq === before;
        sub.pending = pending.slice(stuck ? gap + 1 : gap).concat(sub.pending);
      } else if (!sub.overflow) break;
    }
    sub.replaying = false;
  }

  #sendMessage(room: string, sub: RoomSub, m: Message): void {
    if (m.seq <= sub.lastSeq) return;
    sub.lastSeq = m.seq;
    this.send({ ...messageFrame(m), room });
  }
}
