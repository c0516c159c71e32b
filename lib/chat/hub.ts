/**
 * The chat hub: maps rooms to this instance's sockets over the EventBus
 * topics `room:<id>`, handles client frames, replays missed messages from the
 * log, and forwards `user:<username>` events to all of a user's sockets.
 *
 * Delivery per socket and room keeps `lastSeq`: a live message is sent only
 * when it is exactly the next seq; anything else triggers a catch-up read
 * from the log (the log is the truth, a broadcast only a hint), so a socket
 * never sees a gap or a duplicate.
 * Memory stays bounded: a socket whose `bufferedAmount` stays over
 * `softBufferBytes` for `slowConsumerMs`, or passes `hardBufferBytes`, is
 * closed with 4008; replays wait for the buffer to drain.
 * @module
 */
import { AppError } from "../errors.ts";
import type { BusEvent, EventBus } from "../events.ts";
import type { GroupCommitter } from "./group_commit.ts";
import { deleteMessage, editMessage, readLog } from "./messages.ts";
import { Presence } from "./presence.ts";
import {
  type ClientFrame,
  CloseCode,
  type ErrorFrame,
  MAX_FRAME_BYTES,
  type Message,
  parseClientFrame,
  type ServerFrame,
} from "./protocol.ts";
import {
  latestSeq,
  listMemberNames,
  markRead,
  requireMember,
} from "./rooms.ts";
import { TokenBucket } from "./token_bucket.ts";

/** Tunables; defaults suit production, tests shrink them. */
export interface HubOptions {
  /** Buffered bytes a socket may keep for a while (default 1 MiB). */
  softBufferBytes?: number;
  /** Buffered bytes that close a socket at once (default 4 MiB). */
  hardBufferBytes?: number;
  /** How long a socket may stay over the soft bound (default 10 s). */
  slowConsumerMs?: number;
  /** A socket silent this long is closed with 4000 (default 75 s; clients ping every 30 s). */
  idleTimeoutMs?: number;
  /** How often sockets are checked (default 1 s). */
  sweepMs?: number;
  /** Send burst per user (default 30). */
  sendBurst?: number;
  /** Sends per second per user, sustained (default 10). */
  sendPerSecond?: number;
  /** A user's typing event is forwarded at most once per this (default 1 s). */
  typingThrottleMs?: number;
  /** Most rooms one socket may subscribe to (default 500). */
  maxRoomsPerSocket?: number;
  /** Presence entry lifetime in KV (default 60 s). */
  presenceTtlMs?: number;
}

/** What the hub needs from the app. */
export interface HubDeps {
  kv: Deno.Kv;
  bus: EventBus;
  writer: GroupCommitter;
}

interface RoomSub {
  lastSeq: number;
  replaying: boolean;
  pending: BusEvent[];
}

interface Conn {
  socket: WebSocket;
  user: string;
  lastSeen: number;
  overSince: number;
  rooms: Map<string, RoomSub>;
  presenceSent: Map<string, boolean>;
  typingAt: Map<string, number>;
  chain: Promise<void>;
  closed: boolean;
}

interface UserEntry {
  conns: Set<Conn>;
  bucket: TokenBucket;
  unsubscribe: () => void;
}

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

const PAGE = 200;
const MAX_PENDING = 1000;

/** Chat sockets of one instance. */
export class ChatHub {
  readonly #deps: HubDeps;
  readonly #o: Required<HubOptions>;
  readonly #presence: Presence;
  readonly #conns = new Set<Conn>();
  readonly #rooms = new Map<string, { conns: Set<Conn>; off: () => void }>();
  readonly #users = new Map<string, UserEntry>();
  readonly #timer: ReturnType<typeof setInterval>;
  #sweeps = 0;
  #closed = false;
  readonly #pending = new Set<Promise<void>>();
  readonly stats: HubStats = {
    sockets: 0,
    rooms: 0,
    users: 0,
    slowClosed: 0,
    idleClosed: 0,
    tooBigClosed: 0,
    maxBuffered: 0,
  };

  constructor(deps: HubDeps, options: HubOptions = {}) {
    this.#deps = deps;
    this.#o = {
      softBufferBytes: 1 << 20,
      hardBufferBytes: 4 << 20,
      slowConsumerMs: 10_000,
      idleTimeoutMs: 75_000,
      sweepMs: 1_000,
      sendBurst: 30,
      sendPerSecond: 10,
      typingThrottleMs: 1_000,
      maxRoomsPerSocket: 500,
      presenceTtlMs: 60_000,
      ...options,
    };
    this.#presence = new Presence(deps.kv, deps.bus, this.#o.presenceTtlMs);
    this.#timer = setInterval(() => this.#sweep(), this.#o.sweepMs);
  }

  /** Takes over a socket from `Deno.upgradeWebSocket` for signed-in `user`. */
  attach(socket: WebSocket, user: string): void {
    const conn: Conn = {
      socket,
      user,
      lastSeen: Date.now(),
      overSince: 0,
      rooms: new Map(),
      presenceSent: new Map(),
      typingAt: new Map(),
      chain: Promise.resolve(),
      closed: false,
    };
    const open = () => {
      if (conn.closed) return;
      this.#conns.add(conn);
      this.#addUserConn(conn);
      this.#count();
      this.#background(this.#presence.connected(user));
    };
    if (socket.readyState === WebSocket.OPEN) open();
    else socket.addEventListener("open", open);
    socket.addEventListener("message", (e) => this.#onMessage(conn, e.data));
    socket.addEventListener("close", () => this.#drop(conn));
    socket.addEventListener("error", () => this.#drop(conn));
  }

  /** Closes every socket (1001), stops timers, waits for background work. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    for (const conn of [...this.#conns]) {
      this.#closeConn(conn, CloseCode.goingAway, "Server shutting down.");
    }
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    this.#closed = true;
    await this.#presence.close();
  }

  /** Runs presence work in the background; close() waits for it. */
  #background(p: Promise<void>): void {
    if (this.#closed) return;
    const tracked = p.catch((e) => this.#log(e)).finally(() =>
      this.#pending.delete(tracked)
    );
    this.#pending.add(tracked);
  }

  // ---- frames in ----------------------------------------------------------

  #onMessage(conn: Conn, data: unknown): void {
    if (conn.closed) return;
    conn.lastSeen = Date.now();
    if (typeof data !== "string") {
      const size = data instanceof ArrayBuffer
        ? data.byteLength
        : data instanceof Blob
        ? data.size
        : 0;
      if (size > MAX_FRAME_BYTES) return this.#tooBig(conn);
      return this.#send(conn, {
        type: "error",
        code: "bad_frame",
        message: "Binary frames are not accepted; send JSON text.",
      });
    }
    if (
      data.length > MAX_FRAME_BYTES ||
      (data.length * 3 > MAX_FRAME_BYTES &&
        new TextEncoder().encode(data).length > MAX_FRAME_BYTES)
    ) return this.#tooBig(conn);
    const parsed = parseClientFrame(data);
    if (!parsed.ok) return this.#send(conn, parsed.error);
    const frame = parsed.frame;
    if (frame.type === "ping") return this.#send(conn, { type: "pong" });
    if (frame.type === "send") {
      const bucket = this.#users.get(conn.user)?.bucket;
      if (bucket && !bucket.take()) {
        return this.#send(conn, {
          type: "error",
          code: "rate_limited",
          message: `Too many messages; wait ${bucket.retryAfter} s.`,
          cid: frame.cid,
        });
      }
    }
    // One frame at a time per socket keeps a socket's sends in order.
    conn.chain = conn.chain.then(() => this.#handle(conn, frame)).catch(
      (err) =>
        this.#sendError(conn, err, "cid" in frame ? frame.cid : undefined),
    );
  }

  async #handle(conn: Conn, f: ClientFrame): Promise<void> {
    const { kv, writer, bus } = this.#deps;
    if (conn.closed) return;
    switch (f.type) {
      case "subscribe":
        return await this.#subscribe(conn, f.room, f.after);
      case "unsubscribe":
        return this.#unsubscribe(conn, f.room);
      case "send": {
        await requireMember(kv, conn.user, f.room);
        // Queue without waiting for the commit, so that this socket's next
        // frames can join the same batch; queue order keeps send order.
        writer.send({
          room: f.room,
          author: conn.user,
          text: f.text,
          cid: f.cid,
        }).then(({ message, duplicate }) => {
          this.#send(conn, {
            type: "ack",
            cid: f.cid,
            room: f.room,
            id: message.id,
            seq: message.seq,
          });
          if (!duplicate) {
            bus.publish(`room:${f.room}`, {
              type: "message",
              room: f.room,
              message,
            });
          }
        }, (err) => this.#sendError(conn, err, f.cid));
        return;
      }
      case "edit":
      case "delete": {
        const message = f.type === "edit"
          ? await editMessage(kv, conn.user, f.room, f.id, f.text)
          : await deleteMessage(kv, conn.user, f.room, f.id);
        const type = f.type === "edit" ? "edited" : "deleted";
        bus.publish(`room:${f.room}`, { type, room: f.room, message });
        return;
      }
      case "typing": {
        const now = Date.now();
        if (now - (conn.typingAt.get(f.room) ?? 0) < this.#o.typingThrottleMs) {
          return;
        }
        if (!conn.rooms.has(f.room)) {
          await requireMember(kv, conn.user, f.room);
        }
        conn.typingAt.set(f.room, now);
        bus.publish(`room:${f.room}`, {
          type: "typing",
          room: f.room,
          user: conn.user,
        });
        return;
      }
      case "read":
        await markRead(kv, conn.user, f.room, f.seq);
        return;
    }
  }

  async #subscribe(conn: Conn, room: string, after?: number): Promise<void> {
    const { kv } = this.#deps;
    await requireMember(kv, conn.user, room);
    this.#unsubscribe(conn, room);
    if (conn.rooms.size >= this.#o.maxRoomsPerSocket) {
      throw new AppError(
        400,
        "too_many_rooms",
        `A socket may follow at most ${this.#o.maxRoomsPerSocket} rooms.`,
      );
    }
    const sub: RoomSub = { lastSeq: 0, replaying: true, pending: [] };
    conn.rooms.set(room, sub);
    this.#addRoomConn(room, conn); // live events now buffer in `pending`
    const latest = await latestSeq(kv, room);
    sub.lastSeq = after === undefined ? latest : Math.min(after, latest);
    await this.#catchUp(conn, room, sub, true);
    const members = await listMemberNames(kv, room, 100);
    for (const user of await this.#presence.onlineAmong(members)) {
      this.#deliverPresence(conn, { type: "presence", user, online: true });
    }
  }

  #unsubscribe(conn: Conn, room: string): void {
    if (!conn.rooms.delete(room)) return;
    const entry = this.#rooms.get(room);
    entry?.conns.delete(conn);
    if (entry && entry.conns.size === 0) {
      entry.off();
      this.#rooms.delete(room);
    }
    this.#count();
  }

  /**
   * Reads the log after `sub.lastSeq` until caught up, then (first time)
   * sends `subscribed`, then flushes buffered live events; repeats when a
   * buffered event shows a new gap.
   */
  async #catchUp(
    conn: Conn,
    room: string,
    sub: RoomSub,
    first = false,
  ): Promise<void> {
    sub.replaying = true;
    for (;;) {
      for (;;) {
        const page = await readLog(this.#deps.kv, room, {
          after: sub.lastSeq,
          limit: PAGE,
        });
        if (conn.closed || conn.rooms.get(room) !== sub) return;
        for (const m of page) this.#sendMessage(conn, room, sub, m);
        if (page.length < PAGE) break;
        if (!(await this.#drain(conn))) return;
      }
      if (first) {
        this.#send(conn, { type: "subscribed", room, seq: sub.lastSeq });
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
          else this.#sendMessage(conn, room, sub, m);
        } else this.#deliverOther(conn, ev);
      }
      if (gap < 0) break;
      sub.pending = pending.slice(gap).concat(sub.pending);
    }
    sub.replaying = false;
  }

  // ---- frames out ---------------------------------------------------------

  #onRoomEvent(room: string, ev: BusEvent): void {
    const entry = this.#rooms.get(room);
    if (!entry) return;
    let text: string | undefined;
    for (const conn of entry.conns) {
      const sub = conn.rooms.get(room);
      if (!sub || conn.closed) continue;
      if (ev.type === "presence") {
        this.#deliverPresence(conn, ev as unknown as ServerFrame);
        continue;
      }
      if (sub.replaying) {
        if (sub.pending.length < MAX_PENDING) sub.pending.push(ev);
        // Overflowing messages are re-read from the log after the replay.
        continue;
      }
      if (ev.type === "message") {
        const m = ev.message as Message;
        if (m.seq <= sub.lastSeq) continue;
        if (m.seq > sub.lastSeq + 1) {
          sub.pending.push(ev);
          this.#catchUp(conn, room, sub).catch((e) => {
            // The client reconnects and catches up with `after`.
            this.#log(e);
            this.#closeConn(conn, 1011, "Catch-up failed.");
          });
          continue;
        }
        sub.lastSeq = m.seq;
        this.#sendText(conn, text ??= JSON.stringify(ev));
      } else if (ev.type === "typing") {
        if (ev.user !== conn.user) {
          this.#sendText(conn, text ??= JSON.stringify(ev));
        }
      } else this.#sendText(conn, text ??= JSON.stringify(ev));
    }
  }

  #sendMessage(conn: Conn, room: string, sub: RoomSub, m: Message): void {
    if (m.seq <= sub.lastSeq) return;
    sub.lastSeq = m.seq;
    this.#send(conn, { type: "message", room, message: m });
  }

  #deliverOther(conn: Conn, ev: BusEvent): void {
    if (ev.type === "typing" && ev.user === conn.user) return;
    this.#sendText(conn, JSON.stringify(ev));
  }

  #deliverPresence(conn: Conn, ev: ServerFrame): void {
    if (ev.type !== "presence") return;
    if (conn.presenceSent.get(ev.user) === ev.online) return;
    conn.presenceSent.set(ev.user, ev.online);
    this.#send(conn, ev);
  }

  #send(conn: Conn, frame: ServerFrame): void {
    this.#sendText(conn, JSON.stringify(frame));
  }

  #sendText(conn: Conn, text: string): void {
    if (conn.closed || conn.socket.readyState !== WebSocket.OPEN) return;
    conn.socket.send(text);
    const buffered = conn.socket.bufferedAmount;
    if (buffered > this.stats.maxBuffered) this.stats.maxBuffered = buffered;
    if (buffered > this.#o.hardBufferBytes) return this.#slow(conn);
    if (buffered > this.#o.softBufferBytes) {
      if (!conn.overSince) conn.overSince = Date.now();
    } else conn.overSince = 0;
  }

  #sendError(conn: Conn, err: unknown, cid?: string): void {
    const frame: ErrorFrame = err instanceof AppError
      ? { type: "error", code: err.code, message: err.message }
      : { type: "error", code: "internal", message: "Something went wrong." };
    if (!(err instanceof AppError)) this.#log(err);
    if (cid !== undefined) frame.cid = cid;
    this.#send(conn, frame);
  }

  /** Waits until the socket's buffer is under the soft bound; false if closed. */
  async #drain(conn: Conn): Promise<boolean> {
    const start = Date.now();
    while (
      !conn.closed && conn.socket.bufferedAmount > this.#o.softBufferBytes
    ) {
      if (Date.now() - start > this.#o.slowConsumerMs) {
        this.#slow(conn);
        return false;
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    return !conn.closed;
  }

  // ---- bookkeeping --------------------------------------------------------

  #addRoomConn(room: string, conn: Conn): void {
    let entry = this.#rooms.get(room);
    if (!entry) {
      const off = this.#deps.bus.subscribe(
        `room:${room}`,
        (ev) => this.#onRoomEvent(room, ev),
      );
      this.#rooms.set(room, entry = { conns: new Set(), off });
    }
    entry.conns.add(conn);
    this.#count();
  }

  #addUserConn(conn: Conn): void {
    let entry = this.#users.get(conn.user);
    if (!entry) {
      const unsubscribe = this.#deps.bus.subscribe(
        `user:${conn.user}`,
        (ev) => {
          const text = JSON.stringify(ev);
          for (const c of this.#users.get(conn.user)?.conns ?? []) {
            this.#sendText(c, text);
          }
        },
      );
      entry = {
        conns: new Set(),
        bucket: new TokenBucket(this.#o.sendBurst, this.#o.sendPerSecond),
        unsubscribe,
      };
      this.#users.set(conn.user, entry);
    }
    entry.conns.add(conn);
  }

  #tooBig(conn: Conn): void {
    this.stats.tooBigClosed++;
    this.#closeConn(conn, CloseCode.tooBig, "Frame over 64 KiB.");
  }

  #slow(conn: Conn): void {
    this.stats.slowClosed++;
    this.#closeConn(
      conn,
      CloseCode.slowConsumer,
      "Too slow; reconnect and catch up with after.",
    );
  }

  #closeConn(conn: Conn, code: number, reason: string): void {
    if (conn.closed) return;
    try {
      conn.socket.close(code, reason);
    } catch { /* already closing */ }
    this.#drop(conn);
  }

  #drop(conn: Conn): void {
    if (conn.closed) return;
    conn.closed = true;
    for (const room of [...conn.rooms.keys()]) this.#unsubscribe(conn, room);
    const wasOpen = this.#conns.delete(conn);
    const entry = this.#users.get(conn.user);
    if (entry?.conns.delete(conn) && entry.conns.size === 0) {
      entry.unsubscribe();
      this.#users.delete(conn.user);
    }
    this.#count();
    if (wasOpen) {
      this.#background(this.#presence.disconnected(conn.user));
    }
  }

  #sweep(): void {
    const now = Date.now();
    for (const conn of [...this.#conns]) {
      if (now - conn.lastSeen > this.#o.idleTimeoutMs) {
        this.stats.idleClosed++;
        this.#closeConn(conn, CloseCode.heartbeatTimeout, "No heartbeat.");
      } else if (conn.socket.bufferedAmount <= this.#o.softBufferBytes) {
        conn.overSince = 0;
      } else if (!conn.overSince) {
        conn.overSince = now;
      } else if (now - conn.overSince > this.#o.slowConsumerMs) {
        this.#slow(conn);
      }
    }
    const refreshEvery = Math.max(
      1,
      Math.floor(this.#o.presenceTtlMs / 3 / this.#o.sweepMs),
    );
    if (++this.#sweeps % refreshEvery === 0) {
      this.#background(this.#presence.refresh());
    }
  }

  #count(): void {
    this.stats.sockets = this.#conns.size;
    this.stats.rooms = this.#rooms.size;
    this.stats.users = this.#users.size;
  }

  #log(err: unknown): void {
    console.error("chat hub:", err);
  }
}
