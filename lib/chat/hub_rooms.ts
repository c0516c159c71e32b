/**
 * The rooms a hub's sockets follow: `subscribe` (membership check, replay
 * from `after`, who is online) and `unsubscribe`, and the fan-out of each
 * room's bus events (`room:<id>`) to the sockets that follow it.
 * @module
 */
import { AppError } from "../errors.ts";
import type { BusEvent, EventBus } from "../events.ts";
import type { Connection } from "./connection.ts";
import type { HubOptions } from "./hub_options.ts";
import { TopicSockets } from "./hub_topics.ts";
import type { Presence } from "./presence.ts";
import { latestSeq, listMemberNames, requireMember } from "./rooms.ts";
import type { SendAccess } from "./send_access.ts";

/** What following rooms needs from the hub. */
export interface RoomFollowDeps {
  kv: Deno.Kv;
  bus: EventBus;
  /** Cache of who may send (a room is forgotten when archived). */
  access?: SendAccess;
}

/** The sockets following each room. */
export class RoomFollows {
  readonly #deps: RoomFollowDeps;
  readonly #o: Required<HubOptions>;
  readonly #presence: Presence;
  readonly #rooms: TopicSockets;
  readonly #changed: () => void;

  /** `changed` runs after a socket joined or left a room's topic. */
  constructor(
    deps: RoomFollowDeps,
    o: Required<HubOptions>,
    presence: Presence,
    changed: () => void,
  ) {
    this.#deps = deps;
    this.#o = o;
    this.#presence = presence;
    this.#rooms = new TopicSockets(deps.bus);
    this.#changed = changed;
  }

  /** Number of rooms followed by at least one socket. */
  get size(): number {
    return this.#rooms.size;
  }

  /** Follows `room` on `conn` after a membership check; replays seq > `after`. */
  async subscribe(
    conn: Connection,
    room: string,
    after?: number,
  ): Promise<void> {
    const { kv } = this.#deps;
    await requireMember(kv, conn.user, room);
    // Closed while the check ran: following now would leave a room entry
    // and a bus topic that no socket will ever remove.
    if (conn.closed) return;
    this.unsubscribe(conn, room);
    if (conn.rooms.size >= this.#o.maxRoomsPerSocket) {
      throw new AppError(
        400,
        "too_many_rooms",
        `A socket may follow at most ${this.#o.maxRoomsPerSocket} rooms.`,
      );
    }
    // Follow first, so nothing committed from now on can be missed.
    const sub = conn.follow(room);
    this.#rooms.join(
      `room:${room}`,
      room,
      conn,
      (ev) => this.#onRoomEvent(room, ev),
    );
    this.#changed();
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

  /** Stops `room`'s live events on `conn` (nothing when it did not follow it). */
  unsubscribe(conn: Connection, room: string): void {
    if (conn.rooms.delete(room)) {
      this.#rooms.leave(room, conn);
      this.#changed();
    }
  }

  #onRoomEvent(room: string, ev: BusEvent): void {
    if (ev.type === "archived") this.#deps.access?.forgetRoom(room);
    let text: string | undefined;
    const encode = () => text ??= JSON.stringify(ev);
    for (const conn of this.#rooms.conns(room) ?? []) {
      conn.deliver(room, ev, encode);
    }
  }
}
