/**
 * The chat hub: maps rooms to this instance's sockets over the EventBus
 * topics `room:<id>`, handles client frames, forwards `user:<username>`
 * events to all of a user's sockets, and enforces the socket limits
 * (64 KiB frames → 1009, per-user send rate → `rate_limited`, heartbeat →
 * 4000, slow consumers → 4008). Delivery and catch-up per socket live in
 * {@link Connection}.
 * @module
 */
import { AppError } from "../errors.ts";
import { type BusEvent, type EventBus, SESSION_ENDED } from "../events.ts";
import * as actions from "./actions.ts";
import { Connection } from "./connection.ts";
import type { GroupCommitter } from "./group_commit.ts";
import type { SendAccess } from "./send_access.ts";
import { Presence } from "./presence.ts";
import {
  type ClientFrame,
  CloseCode,
  MAX_FRAME_BYTES,
  parseClientFrame,
} from "./protocol.ts";
import { latestSeq, listMemberNames, requireMember } from "./rooms.ts";
import { ACCESS_CHANGED, revalidate } from "./revalidate.ts";
import { TokenBucket } from "./token_bucket.ts";
import { HUB_DEFAULTS, type HubOptions, type HubStats } from "./hub_options.ts";

export type { HubOptions, HubStats };

/** What the hub needs from the app. */
export interface HubDeps {
  kv: Deno.Kv;
  bus: EventBus;
  writer: GroupCommitter;
  /** Cache of who may send (forgotten here on `left` and access changes). */
  access?: SendAccess;
}

const enc = new TextEncoder();
/** The per-IP send limit is this many times the per-user one (shared NATs). */
const IP_FACTOR = 5;
/** Bus topic on which instances tell each other of send tokens taken. */
const SEND_TOKENS = "chat_send_tokens";

/** Chat sockets of one instance. */
export class ChatHub {
  readonly #deps: HubDeps;
  readonly #o: Required<HubOptions>;
  readonly #presence: Presence;
  readonly #conns = new Set<Connection>();
  readonly #rooms = new Map<
    string,
    { conns: Set<Connection>; off: () => void }
  >();
  readonly #users = new Map<
    string,
    { conns: Set<Connection>; off: () => void }
  >();
  /** Send buckets by `u:<user>` and `ip:<address>`; outlive sockets, so reconnecting does not reset them. */
  readonly #buckets = new Map<string, TokenBucket>();
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #pending = new Set<Promise<void>>();
  #offTokens?: () => void;
  #sweeps = 0;
  #lastRevalidate = Date.now();
  #closed = false;
  readonly stats: HubStats = {
    sockets: 0,
    rooms: 0,
    users: 0,
    slowClosed: 0,
    idleClosed: 0,
    tooBigClosed: 0,
    maxBuffered: 0,
  };
  readonly #hooks = {
    stats: this.stats,
    onSlow: (c: Connection) => this.#slow(c),
    onError: (_c: Connection, err: unknown) => this.#log(err),
    onBroken: (c: Connection, err: unknown) => {
      this.#log(err);
      this.#closeConn(c, 1011, "Catch-up failed; reconnect.");
    },
  };

  constructor(deps: HubDeps, options: HubOptions = {}) {
    this.#deps = deps;
    this.#o = { ...HUB_DEFAULTS, ...options };
    this.#presence = new Presence(deps.kv, deps.bus, this.#o.presenceTtlMs);
    this.#timer = setInterval(() => this.#sweep(), this.#o.sweepMs);
    if (this.#o.shareSendLimit) {
      // A token taken on another instance is taken here too: one limit
      // per user (and IP) across workers and processes.
      this.#offTokens = deps.bus.subscribe(SEND_TOKENS, (ev) => {
        const key = ev.key;
        if (typeof key !== "string") return;
        this.#bucket(key, key.startsWith("ip:") ? IP_FACTOR : 1).take();
      });
    }
  }

  /**
   * Takes over a socket from `Deno.upgradeWebSocket` for signed-in `user`;
   * `ip` (the client's address) adds a per-IP send limit.
   */
  attach(
    socket: WebSocket,
    user: string,
    ip = "",
    session?: { id: string; expiresAt: number },
  ): void {
    const conn = new Connection(
      socket,
      user,
      this.#deps.kv,
      this.#o,
      this.#hooks,
    );
    conn.ip = ip;
    conn.session = session;
    const open = () => {
      if (conn.closed || this.#closed) return;
      this.#conns.add(conn);
      this.#join(this.#users, `user:${user}`, user, conn, (ev) => {
        const conns = [...this.#users.get(user)?.conns ?? []];
        if (ev.type === SESSION_ENDED) {
          // Logout: close the sockets of that session on every instance.
          for (const c of conns) {
            if (c.session?.id === ev.session) {
              this.#closeConn(c, CloseCode.sessionEnded, "Signed out.");
            }
          }
          return;
        }
        if (ev.type === ACCESS_CHANGED) {
          this.#deps.access?.forgetUser(user);
          return this.#background(this.#revalidate(conns));
        }
        if (ev.type === "left" && typeof ev.room === "string") {
          this.#deps.access?.forget(ev.room, user);
          // The user left the room: stop its live events on every socket.
          for (const c of conns) this.#unsubscribe(c, ev.room);
        }
        const text = JSON.stringify(ev);
        for (const c of conns) c.sendText(text);
      });
      this.#background(this.#presence.connected(user));
    };
    if (socket.readyState === WebSocket.OPEN) open();
    else socket.addEventListener("open", open, { once: true });
    socket.addEventListener("message", (e) => this.#onFrame(conn, e.data));
    socket.addEventListener("close", () => this.#drop(conn));
    socket.addEventListener("error", () => this.#drop(conn));
  }

  /** Closes every socket (1001), stops timers, waits for background work. */
  async close(): Promise<void> {
    clearInterval(this.#timer);
    this.#offTokens?.();
    for (const conn of [...this.#conns]) {
      this.#closeConn(conn, CloseCode.goingAway, "Server shutting down.");
    }
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    this.#closed = true;
    await this.#presence.close();
  }

  // ---- frames in ----------------------------------------------------------

  #onFrame(conn: Connection, data: unknown): void {
    if (conn.closed) return;
    conn.lastSeen = Date.now();
    if (typeof data !== "string") {
      const size = data instanceof ArrayBuffer
        ? data.byteLength
        : data instanceof Blob
        ? data.size
        : 0;
      if (size > MAX_FRAME_BYTES) return this.#tooBig(conn);
      return conn.send({
        type: "error",
        code: "bad_frame",
        message: "Binary frames are not accepted; send JSON text.",
      });
    }
    if (
      data.length > MAX_FRAME_BYTES ||
      (data.length * 3 > MAX_FRAME_BYTES &&
        enc.encode(data).length > MAX_FRAME_BYTES)
    ) return this.#tooBig(conn);
    const parsed = parseClientFrame(data);
    if (!parsed.ok) return conn.send(parsed.error);
    const frame = parsed.frame;
    if (frame.type === "ping") return conn.send({ type: "pong" });
    const cid = frame.type === "send" ? frame.cid : undefined;
    if (frame.type === "send") {
      const limited = this.#rateLimited(conn);
      if (limited) {
        return conn.send({
          type: "error",
          code: "rate_limited",
          message: `Too many messages; wait ${limited.retryAfter} s.`,
          cid,
        });
      }
    }
    if (conn.queued >= this.#o.maxQueuedFrames) {
      return conn.send({
        type: "error",
        code: "rate_limited",
        message: "Too many frames waiting; slow down.",
        cid,
      });
    }
    conn.queued++;
    conn.chain = conn.chain
      .then(() => this.#handle(conn, frame))
      .catch((err) => conn.sendError(err, cid))
      .finally(() => conn.queued--);
  }

  async #handle(conn: Connection, f: ClientFrame): Promise<void> {
    if (conn.closed) return;
    switch (f.type) {
      case "subscribe":
        return await this.#subscribe(conn, f.room, f.after);
      case "unsubscribe":
        return this.#unsubscribe(conn, f.room);
      case "send":
        return await actions.send(this.#deps, conn, f);
      case "edit":
      case "delete":
        return await actions.change(this.#deps, conn, f);
      case "typing":
        return await actions.typing(
          this.#deps,
          conn,
          f,
          this.#o.typingThrottleMs,
        );
      case "read":
        return await actions.read(this.#deps, conn, f);
      case "react":
        return await actions.react(this.#deps, conn, f);
    }
  }

  async #subscribe(conn: Connection, room: string, after?: number) {
    const { kv } = this.#deps;
    await requireMember(kv, conn.user, room);
    // Closed while the check ran: following now would leave a room entry
    // and a bus topic that no socket will ever remove.
    if (conn.closed) return;
    this.#unsubscribe(conn, room);
    if (conn.rooms.size >= this.#o.maxRoomsPerSocket) {
      throw new AppError(
        400,
        "too_many_rooms",
        `A socket may follow at most ${this.#o.maxRoomsPerSocket} rooms.`,
      );
    }
    // Follow first, so nothing committed from now on can be missed.
    const sub = conn.follow(room);
    this.#join(
      this.#rooms,
      `room:${room}`,
      room,
      conn,
      (ev) => this.#onRoomEvent(room, ev),
    );
    const latest = await latestSeq(kv, room);
    await conn.start(
      room,
      sub,
      after === undefined ? latest : Math.min(after, latest),
    );
    const members = await listMemberNames(kv, room, 100);
    for (const user of await this.#presence.onlineAmong(members)) {
      conn.presence({ type: "presence", user, online: true });
    }
  }

  #unsubscribe(conn: Connection, room: string): void {
    if (conn.rooms.delete(room)) this.#leave(this.#rooms, room, conn);
  }

  #onRoomEvent(room: string, ev: BusEvent): void {
    if (ev.type === "archived") this.#deps.access?.forgetRoom(room);
    let text: string | undefined;
    const encode = () => text ??= JSON.stringify(ev);
    for (const conn of this.#rooms.get(room)?.conns ?? []) {
      conn.deliver(room, ev, encode);
    }
  }

  // ---- bookkeeping --------------------------------------------------------

  /** Takes a send token for the user and for the IP; the empty bucket, if any. */
  #rateLimited(conn: Connection): TokenBucket | null {
    const user = this.#bucket(`u:${conn.user}`, 1);
    if (!user.take()) return user;
    this.#shareToken(`u:${conn.user}`);
    if (!conn.ip) return null;
    const ip = this.#bucket(`ip:${conn.ip}`, IP_FACTOR);
    if (!ip.take()) return ip;
    this.#shareToken(`ip:${conn.ip}`);
    return null;
  }

  #shareToken(key: string): void {
    if (this.#o.shareSendLimit) {
      this.#deps.bus.publishRemote(SEND_TOKENS, { key });
    }
  }

  #bucket(key: string, factor: number): TokenBucket {
    let b = this.#buckets.get(key);
    if (!b) {
      b = new TokenBucket(
        factor * this.#o.sendBurst,
        factor * this.#o.sendPerSecond,
      );
      this.#buckets.set(key, b);
    }
    return b;
  }

  #join(
    map: Map<string, { conns: Set<Connection>; off: () => void }>,
    topic: string,
    key: string,
    conn: Connection,
    listener: (ev: BusEvent) => void,
  ): void {
    let entry = map.get(key);
    if (!entry) {
      const off = this.#deps.bus.subscribe(topic, listener);
      map.set(key, entry = { conns: new Set(), off });
    }
    entry.conns.add(conn);
    this.#count();
  }

  #leave(
    map: Map<string, { conns: Set<Connection>; off: () => void }>,
    key: string,
    conn: Connection,
  ): void {
    const entry = map.get(key);
    if (entry?.conns.delete(conn) && entry.conns.size === 0) {
      entry.off();
      map.delete(key);
    }
    this.#count();
  }

  #tooBig(conn: Connection): void {
    this.stats.tooBigClosed++;
    this.#closeConn(conn, CloseCode.tooBig, "Frame over 64 KiB.");
  }

  #slow(conn: Connection): void {
    if (conn.closed) return;
    this.stats.slowClosed++;
    this.#closeConn(
      conn,
      CloseCode.slowConsumer,
      "Too slow; reconnect and catch up with after.",
    );
  }

  #closeConn(conn: Connection, code: number, reason: string): void {
    if (conn.closed) return;
    try {
      conn.socket.close(code, reason);
    } catch { /* already closing */ }
    this.#drop(conn);
  }

  #drop(conn: Connection): void {
    if (conn.closed) return;
    conn.closed = true;
    for (const room of [...conn.rooms.keys()]) this.#unsubscribe(conn, room);
    if (!this.#conns.delete(conn)) return;
    this.#leave(this.#users, conn.user, conn);
    this.#background(this.#presence.disconnected(conn.user));
  }

  #sweep(): void {
    const now = Date.now();
    for (const conn of [...this.#conns]) {
      if (conn.session && conn.session.expiresAt <= now) {
        this.#closeConn(conn, CloseCode.sessionEnded, "Session expired.");
      } else if (now - conn.lastSeen > this.#o.idleTimeoutMs) {
        this.stats.idleClosed++;
        this.#closeConn(conn, CloseCode.heartbeatTimeout, "No heartbeat.");
      } else if (conn.isSlow(now)) this.#slow(conn);
    }
    if (
      ++this.#sweeps % Math.max(1, Math.floor(10_000 / this.#o.sweepMs)) === 0
    ) {
      // A full bucket is the same as a new one: forget it (bounded memory).
      for (const [key, b] of this.#buckets) {
        if (b.full) this.#buckets.delete(key);
      }
    }
    if (now - this.#lastRevalidate >= this.#o.revalidateMs) {
      this.#lastRevalidate = now;
      this.#background(this.#revalidate([...this.#conns]));
    }
    const refreshEvery = Math.max(
      1,
      Math.floor(this.#o.presenceTtlMs / 3 / this.#o.sweepMs),
    );
    if (this.#sweeps % refreshEvery === 0) {
      this.#background(this.#presence.refresh());
    }
  }

  /** Re-checks sessions and memberships of `conns` (revocation elsewhere). */
  #revalidate(conns: Connection[]): Promise<void> {
    return revalidate(this.#deps.kv, conns, {
      endSession: (c) =>
        this.#closeConn(c, CloseCode.sessionEnded, "Signed out."),
      leaveRoom: (c, room) => {
        this.#unsubscribe(c, room);
        c.send({ type: "left", room });
      },
    });
  }

  /** Runs presence work in the background; close() waits for it. */
  #background(p: Promise<void>): void {
    if (this.#closed) return;
    const tracked = p.catch((e) => this.#log(e)).finally(() =>
      this.#pending.delete(tracked)
    );
    this.#pending.add(tracked);
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
