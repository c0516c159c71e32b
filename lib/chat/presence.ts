/**
 * Presence: who is online, across all of a user's sockets and all instances.
 *
 * Each instance counts its own sockets per user and keeps a KV entry
 * `["chat_online", username, instanceId]` with an expiry while the user has a
 * socket here (refreshed by {@link Presence.refresh}; a crashed instance's
 * entries expire). Changes are published as `presence` events on the
 * `room:<id>` topic of every room the user belongs to. Never stored as messages.
 * @module
 */
import type { EventBus } from "../events.ts";
import { retryLocked } from "../kv.ts";
import type { PresenceFrame } from "./protocol.ts";
import { listMyRoomIds } from "./rooms.ts";

const onlineKey = (user: string, instance: string): Deno.KvKey => [
  "chat_online",
  user,
  instance,
];

/** Tracks local sockets per user and mirrors presence into KV and the bus. */
export class Presence {
  readonly #counts = new Map<string, number>();
  readonly #instance = crypto.randomUUID();

  constructor(
    readonly kv: Deno.Kv,
    readonly bus: EventBus,
    readonly ttlMs = 60_000,
  ) {}

  /** Users with at least one socket on this instance. */
  get localUsers(): number {
    return this.#counts.size;
  }

  /** A socket of `user` opened here. */
  async connected(user: string): Promise<void> {
    const n = (this.#counts.get(user) ?? 0) + 1;
    this.#counts.set(user, n);
    if (n > 1) return;
    await retryLocked(() =>
      this.kv.set(onlineKey(user, this.#instance), Date.now(), {
        expireIn: this.ttlMs,
      })
    );
    await this.#announce(user, true);
  }

  /** A socket of `user` closed here. */
  async disconnected(user: string): Promise<void> {
    const n = (this.#counts.get(user) ?? 0) - 1;
    if (n > 0) {
      this.#counts.set(user, n);
      return;
    }
    this.#counts.delete(user);
    await retryLocked(() => this.kv.delete(onlineKey(user, this.#instance)));
    if (this.#counts.has(user)) return; // reconnected meanwhile
    if (!(await this.isOnline(user))) await this.#announce(user, false);
  }

  /** True when `user` has a socket on any instance. */
  async isOnline(user: string): Promise<boolean> {
    if (this.#counts.has(user)) return true;
    const now = Date.now();
    for await (
      const e of this.kv.list<number>({ prefix: ["chat_online", user] })
    ) {
      if (now - e.value < this.ttlMs) return true;
    }
    return false;
  }

  /** The subset of `users` online now (checks at most `limit` users). */
  async onlineAmong(users: string[], limit = 100): Promise<string[]> {
    const some = users.slice(0, limit);
    const flags = await Promise.all(some.map((u) => this.isOnline(u)));
    return some.filter((_, i) => flags[i]);
  }

  /** Re-sets this instance's KV entries before they expire. */
  async refresh(): Promise<void> {
    const now = Date.now();
    for (const user of this.#counts.keys()) {
      await retryLocked(() =>
        this.kv.set(onlineKey(user, this.#instance), now, {
          expireIn: this.ttlMs,
        })
      );
    }
  }

  /** Removes this instance's entries (shutdown). */
  async close(): Promise<void> {
    const users = [...this.#counts.keys()];
    this.#counts.clear();
    for (const user of users) {
      await retryLocked(() => this.kv.delete(onlineKey(user, this.#instance)))
        .catch(() => {});
    }
  }

  async #announce(user: string, online: boolean): Promise<void> {
    const frame: PresenceFrame = { type: "presence", user, online };
    for (const room of await listMyRoomIds(this.kv, user)) {
      this.bus.publish(`room:${room}`, { ...frame });
    }
  }
}
