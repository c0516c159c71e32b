/**
 * Sockets grouped by bus topic: a topic is subscribed while at least one
 * socket wants it and unsubscribed when the last one leaves.
 * @module
 */
import type { BusEvent, EventBus } from "../events.ts";
import type { Connection } from "./connection.ts";

/** Sockets by key (a room id or a username), each key following one bus topic. */
export class TopicSockets {
  readonly #bus: EventBus;
  readonly #map = new Map<
    string,
    { conns: Set<Connection>; off: () => void }
  >();

  constructor(bus: EventBus) {
    this.#bus = bus;
  }

  /** Number of keys that have sockets. */
  get size(): number {
    return this.#map.size;
  }

  /** The sockets under `key`, if any. */
  conns(key: string): Set<Connection> | undefined {
    return this.#map.get(key)?.conns;
  }

  /** Adds `conn` under `key`; the first one subscribes `listener` to `topic`. */
  join(
    topic: string,
    key: string,
    conn: Connection,
    listener: (ev: BusEvent) => void,
  ): void {
    let entry = this.#map.get(key);
    if (!entry) {
      const off = this.#bus.subscribe(topic, listener);
      this.#map.set(key, entry = { conns: new Set(), off });
    }
    entry.conns.add(conn);
  }

  /** Removes `conn` from `key`; the last one out unsubscribes the topic. */
  leave(key: string, conn: Connection): void {
    const entry = this.#map.get(key);
    if (entry?.conns.delete(conn) && entry.conns.size === 0) {
      entry.off();
      this.#map.delete(key);
    }
  }
}
