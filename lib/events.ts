/**
 * A process-wide event bus with cross-instance fanout over BroadcastChannel.
 *
 * Topics are strings such as `room:<roomId>` or `user:<username>`. Events
 * published here reach local subscribers at once and other instances (other
 * processes, or other apps in this process) through a BroadcastChannel.
 * Delivery is a hint only: anything that must not be lost is in KV first.
 * @module
 */

/** Any JSON-serialisable event. */
export type BusEvent = Record<string, unknown>;

/** A subscriber callback. */
export type Listener = (event: BusEvent, topic: string) => void;

interface Wire {
  origin: string;
  topic: string;
  event: BusEvent;
}

/** Publish/subscribe by topic, local plus cross-instance. */
export class EventBus {
  #listeners = new Map<string, Set<Listener>>();
  #channel?: BroadcastChannel;
  readonly #id = crypto.randomUUID();

  /** `channelName` scopes the BroadcastChannel; null disables fanout. */
  constructor(channelName: string | null = "rt-messenger") {
    if (channelName && typeof BroadcastChannel !== "undefined") {
      this.#channel = new BroadcastChannel(channelName);
      this.#channel.onmessage = (e: MessageEvent<Wire>) => {
        const msg = e.data;
        if (!msg || msg.origin === this.#id) return;
        this.#deliver(msg.topic, msg.event);
      };
    }
  }

  /** Delivers `event` to local subscribers of `topic` and to other instances. */
  publish(topic: string, event: BusEvent): void {
    this.#deliver(topic, event);
    this.#channel?.postMessage(
      { origin: this.#id, topic, event } satisfies Wire,
    );
  }

  /** Subscribes to `topic`; returns the function that unsubscribes. */
  subscribe(topic: string, listener: Listener): () => void {
    let set = this.#listeners.get(topic);
    if (!set) this.#listeners.set(topic, set = new Set());
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.#listeners.get(topic) === set) {
        this.#listeners.delete(topic);
      }
    };
  }

  /** Number of topics with local subscribers (for tests and metrics). */
  get topicCount(): number {
    return this.#listeners.size;
  }

  /** Closes the channel; no more cross-instance events. */
  close(): void {
    this.#channel?.close();
    this.#channel = undefined;
    this.#listeners.clear();
  }

  #deliver(topic: string, event: BusEvent): void {
    const set = this.#listeners.get(topic);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(event, topic);
      } catch (err) {
        console.error(`event listener for ${topic} failed`, err);
      }
    }
  }
}

/** Event type on `user:<username>`: a session ended (logout); its sockets close. */
export const SESSION_ENDED = "session_ended";

/** Tells every instance that `username`'s session `sessionId` has ended. */
export function publishSessionEnded(
  bus: EventBus,
  username: string,
  sessionId: string,
): void {
  bus.publish(`user:${username}`, { type: SESSION_ENDED, session: sessionId });
}
