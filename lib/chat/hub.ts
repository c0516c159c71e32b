/**
 * The chat hub: maps rooms to this instance's sockets over the EventBus
 * topics `room:<id>`, handles client frames, forwards `user:<username>`
 * events to all of a user's sockets, and enforces the socket limits
 * (64 KiB frames → 1009, per-user send rate → `rate_limited`, heartbeat →
 * 4000, slow consumers → 4008). Delivery and catch-up per socket live in
 * {@link Connection}; following rooms in hub_rooms.ts, send limits in
 * hub_send_limits.ts.
 * @module
 */
import { type BusEvent, type EventBus, SESSION_ENDED } from "../events.ts";
import { Connection } from "./connection.ts";
import type { GroupCommitter } from "./group_commit.ts";
import type { SendAccess } from "./send_access.ts";
import { Presence } from "./presence.ts";
import { CloseCode } from "./protocol.ts";
import { ACCESS_CHANGED, revalidate } from "./revalidate.ts";
import { HUB_DEFAULTS, type HubOptions, type HubStats } from "./hub_options.ts";
import { handleFrame } from "./hub_dispatch.ts";
import { readFrameIn } from "./hub_frame_in.ts";
import { RoomFollows } from "./hub_rooms.ts";
import { SendLimits } from "./hub_send_limits.ts";
import { TopicSockets } from "./hub_topics.ts";

export type { HubOptions, HubStats };

/** What the hub needs from the app. */
export interface HubDeps {
  kv: Deno.Kv;
  bus: EventBus;
  writer: GroupCommitter;
  /** Cache of who may send (forgotten here on `left` and access changes). */
  access?: SendAccess;
}

/** Chat sockets of one instance. */
export class ChatHub {
  readonly #deps: HubDeps;
  readonly #o: Required<HubOptions>;
  readonly #presence: Presence;
  readonly #conns = new Set<Connection>();
  readonly #rooms: RoomFollows;
  readonly #users: TopicSockets;
  readonly #limits: SendLimits;
  readonly #timer: ReturnType<typeof setInterval>;
  readonly #pending = new Set<Promise<void>>();
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
    this.#rooms = new RoomFollows(
      deps,
      this.#o,
      this.#presence,
      () => this.#count(),
    );
    this.#users = new TopicSockets(deps.bus);
    this.#timer = setInterval(() => this.#sweep(), this.#o.sweepMs);
    this.#limits = new SendLimits(deps.bus, this.#o);
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
      this.#users.join(
        `user:${user}`,
        user,
        conn,
        (ev) => this.#onUserEvent(user, ev),
      );
      this.#count();
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
    this.#limits.close();
    for (const conn of [...this.#conns]) {
      this.#closeConn(conn, CloseCode.goingAway, "Server shutting down.");
    }
    while (this.#pending.size > 0) await Promise.all([...this.#pending]);
    this.#closed = true;
    await this.#presence.close();
  }

  // ---- events and frames in ----------------------------------------------

  #onUserEvent(user: string, ev: BusEvent): void {
    const conns = [...this.#users.conns(user) ?? []];
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
      for (const c of conns) this.#rooms.unsubscribe(c, ev.room);
    }
    const text = JSON.stringify(ev);
    for (const c of conns) c.sendText(text);
  }

  #onFrame(conn: Connection, data: unknown): void {
    if (conn.closed) return;
    conn.lastSeen = Date.now();
    const frameIn = readFrameIn(data);
    if ("tooBig" in frameIn) return this.#tooBig(conn);
    if ("error" in frameIn) return conn.send(frameIn.error);
    const frame = frameIn.frame;
    if (frame.type === "ping") return conn.send({ type: "pong" });
    const cid = frame.type === "send" ? frame.cid : undefined;
    if (frame.type === "send") {
      const limited = this.#limits.take(conn.user, conn.ip);
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
      .then(() => handleFrame(this.#deps, this.#rooms, this.#o, conn, frame))
      .catch((err) => conn.sendError(err, cid))
      .finally(() => conn.queued--);
  }

  // ---- bookkeeping --------------------------------------------------------

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
    for (const room of [...conn.rooms.keys()]) {
      this.#rooms.unsubscribe(conn, room);
    }
    if (!this.#conns.delete(conn)) return;
    this.#users.leave(conn.user, conn);
    this.#count();
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
      this.#limits.forgetFull();
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
        this.#rooms.unsubscribe(c, room);
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
