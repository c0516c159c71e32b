/**
 * The chat send limits of one hub: token buckets per user and per IP
 * address, shared with other instances over the bus when configured.
 * @module
 */
import type { EventBus } from "../events.ts";
import type { HubOptions } from "./hub_options.ts";
import { TokenBucket } from "./token_bucket.ts";

/** The per-IP send limit is this many times the per-user one (shared NATs). */
const IP_FACTOR = 5;
/** Bus topic on which instances tell each other of send tokens taken. */
const SEND_TOKENS = "chat_send_tokens";

/** Send buckets by user and by IP address. */
export class SendLimits {
  readonly #bus: EventBus;
  readonly #o: Required<HubOptions>;
  /** Send buckets by `u:<user>` and `ip:<address>`; outlive sockets, so reconnecting does not reset them. */
  readonly #buckets = new Map<string, TokenBucket>();
  #offTokens?: () => void;

  constructor(bus: EventBus, o: Required<HubOptions>) {
    this.#bus = bus;
    this.#o = o;
    if (this.#o.shareSendLimit) {
      // A token taken on another instance is taken here too: one limit
      // per user (and IP) across workers and processes.
      this.#offTokens = bus.subscribe(SEND_TOKENS, (ev) => {
        const key = ev.key;
        if (typeof key !== "string") return;
        this.#bucket(key, key.startsWith("ip:") ? IP_FACTOR : 1).take();
      });
    }
  }

  /** Takes a send token for the user and for the IP; the empty bucket, if any. */
  take(user: string, ip: string): TokenBucket | null {
    const userBucket = this.#bucket(`u:${user}`, 1);
    if (!userBucket.take()) return userBucket;
    this.#shareToken(`u:${user}`);
    if (!ip) return null;
    const ipBucket = this.#bucket(`ip:${ip}`, IP_FACTOR);
    if (!ipBucket.take()) return ipBucket;
    this.#shareToken(`ip:${ip}`);
    return null;
  }

  /** Forgets full buckets: a full bucket is the same as a new one (bounded memory). */
  forgetFull(): void {
    for (const [key, b] of this.#buckets) {
      if (b.full) this.#buckets.delete(key);
    }
  }

  /** Stops taking other instances' tokens. */
  close(): void {
    this.#offTokens?.();
  }

  #shareToken(key: string): void {
    if (this.#o.shareSendLimit) {
      this.#bus.publishRemote(SEND_TOKENS, { key });
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
}
