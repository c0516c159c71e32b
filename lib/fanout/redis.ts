/**
 * `FANOUT=redis://host:port` (or `rediss://`): Redis pub/sub through ioredis.
 * All instances publish to and subscribe to one channel. When Redis is
 * unreachable or restarts, publishing drops events (no queue), the
 * subscriber reconnects with capped exponential backoff, the outage is logged
 * once, and the bus is asked to resync from the KV log every second while
 * down and once on reconnect, so clients miss nothing. A publisher that
 * dropped events sends a resync notice once it is connected again, since the
 * other instances' own connections may never have been down.
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

/**
 * Topic of the control event a publisher sends once its connection is back
 * after it dropped events: every instance then re-reads from the log (the
 * subscribers may never have noticed the publisher's outage).
 */
export const RESYNC_TOPIC = "\u0000resync";

/** Fanout over Redis pub/sub. */
export class RedisFanout implements Fanout {
  readonly kind = "redis";
  readonly #pub: Redis;
  readonly #sub: Redis;
  readonly #log: OutageLog;
  #timer?: ReturnType<typeof setInterval>;
  #closed = false;
  #subscribed = false;
  /** Events were dropped since the last resync notice went out. */
  #dropped = false;

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

  /** Subscribes to the channel and watches both connections. */
  start(receiver: FanoutReceiver): void {
    const down = (err: unknown) => {
      if (this.#closed) return;
      this.#log.down(err);
      this.#timer ??= setInterval(
        () => receiver.resync(),
        RESYNC_WHILE_DOWN_MS,
      );
    };
    // The outage ends when both connections are back: publishing and
    // receiving. Only then does the periodic resync stop.
    const maybeUp = () => {
      if (!this.#subscribed || this.#pub.status !== "ready") return;
      this.#flushDropped();
      if (!this.#log.up()) return;
      clearInterval(this.#timer);
      this.#timer = undefined;
      receiver.resync();
    };
    for (const client of [this.#pub, this.#sub]) {
      client.on("error", down);
      client.on("end", () => down(new Error("connection ended")));
    }
    this.#pub.on("close", () => down(new Error("connection closed")));
    this.#sub.on("close", () => {
      this.#subscribed = false;
      down(new Error("connection closed"));
    });
    this.#sub.on("message", (_channel: string, text: string) => {
      let wire: Wire;
      try {
        wire = JSON.parse(text) as Wire;
      } catch {
        return; // not ours
      }
      if (wire.topic === RESYNC_TOPIC) receiver.resync();
      else receiver.receive(wire);
    });
    const subscribe = async () => {
      try {
        await this.#sub.subscribe(this.channel);
      } catch (err) {
        return down(err);
      }
      this.#subscribed = true;
      maybeUp();
    };
    this.#sub.on("ready", () => {
      if (this.#subscribed) return; // the first subscribe below covers it
      // ioredis resubscribes by itself too; subscribing twice is harmless.
      if (this.#log.isDown) subscribe();
    });
    this.#pub.on("ready", maybeUp);
    subscribe();
  }

  /** Publishes; dropped (the log heals it) while Redis is down. */
  publish(wire: Wire): void {
    if (this.#closed) return;
    if (this.#pub.status !== "ready") {
      this.#dropped = true;
      return;
    }
    this.#flushDropped();
    this.#pub.publish(this.channel, JSON.stringify(wire)).catch(() => {
      // Logged once by the connection's error handler; once the connection
      // is back, everyone is told to resync.
      this.#dropped = true;
    });
  }

  /** After dropped events, tells every instance to re-read from the log. */
  #flushDropped(): void {
    if (!this.#dropped || this.#pub.status !== "ready") return;
    this.#dropped = false;
    const notice: Wire = { origin: "", topic: RESYNC_TOPIC, event: {} };
    this.#pub.publish(this.channel, JSON.stringify(notice)).catch(() => {
      this.#dropped = true;
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
