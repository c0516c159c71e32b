/**
 * `FANOUT=redis://host:port` (or `rediss://`): Redis pub/sub through ioredis.
 * All instances publish to and subscribe to one channel. When Redis is
 * unreachable or restarts, publishing drops events (no queue), the
 * subscriber reconnects with capped exponential backoff, the outage is logged
 * once, and the bus is asked to resync from the KV log every second while
 * down and once on reconnect, so clients miss nothing.
 * @module
 */
import { Redis } from "ioredis";
import {
  type Fanout,
  type FanoutReceiver,
  OutageLog,
  type Wire,
} from "./types.ts";

/** Backoff before reconnect attempt `times` (1-based): 100 ms doubling, at most 5 s, with jitter. */
export function redisBackoffMs(times: number): number {
  const base = Math.min(5000, 100 * 2 ** Math.min(times - 1, 6));
  return Math.round(base / 2 + Math.random() * base / 2);
}

/** How often the bus resyncs from the log while Redis is down. */
const RESYNC_WHILE_DOWN_MS = 1000;

/** Fanout over Redis pub/sub. */
export class RedisFanout implements Fanout {
  readonly kind = "redis";
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #log: OutageLog;
  #timer?: ReturnType<typeof setInterval>;
  #closed = false;

  constructor(url: string, readonly channel: string) {
    const options = {
      retryStrategy: redisBackoffMs,
      maxRetriesPerRequest: 1,
      lazyConnect: false,
    };
    this.#log = new OutageLog(`redis ${new URL(url).host}`);
    this.#pub = new Redis(url, { ...options, enableOfflineQueue: false });
    this.#sub = new Redis(url, options);
  }

  /** Subscribes to the channel and watches the connection. */
  start(receiver: FanoutReceiver): void {
    const down = (err: unknown) => {
      if (this.#closed) return;
      this.#log.down(err);
      this.#timer ??= setInterval(
        () => receiver.resync(),
        RESYNC_WHILE_DOWN_MS,
      );
    };
    for (const client of [this.#pub, this.#sub]) {
      client.on("error", down);
      client.on("end", () => down(new Error("connection ended")));
    }
    this.#sub.on("close", () => down(new Error("connection closed")));
    this.#sub.on("message", (_channel: string, text: string) => {
      try {
        receiver.receive(JSON.parse(text) as Wire);
      } catch { /* not ours */ }
    });
    this.#sub.on("ready", async () => {
      if (!this.#log.isDown) return;
      try {
        await this.#sub.subscribe(this.channel);
      } catch (err) {
        return down(err);
      }
      this.#log.up();
      clearInterval(this.#timer);
      this.#timer = undefined;
      receiver.resync();
    });
    this.#sub.subscribe(this.channel).catch(down);
  }

  /** Publishes; dropped (the log heals it) while Redis is down. */
  publish(wire: Wire): void {
    if (this.#closed) return;
    this.#pub.publish(this.channel, JSON.stringify(wire)).catch(() => {
      // Logged once by the connection's error handler.
    });
  }

  /** Disconnects both clients. */
  close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#timer);
    this.#pub.disconnect();
    this.#sub.disconnect();
    return Promise.resolve();
  }
}
