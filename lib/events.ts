/**
 * A process-wide event bus with cross-instance fanout.
 *
 * Topics are strings such as `room:<roomId>` or `user:<username>`. Events
 * published here reach local subscribers at once and other instances (other
 * processes, or other apps in this process) through a {@link Fanout}
 * (BroadcastChannel, Redis or KV watch; lib/fanout/). Delivery is a hint
 * only: anything that must not be lost is in KV first.
 * @module
 */
import { BroadcastFanout, type Fanout, type Wire } from "./fanout/mod.ts";

/** Any JSON-serialisable event. */
export type BusEvent = Record<string, unknown>;

/** A subscriber callback. */
export type Listener = (event: BusEvent, topic: string) => void;

/** Publish/subscribe by topic, local plus cross-instance. */
export class EventBus {
  #listeners = new Map<string, Set<Listener>>();
  #fanout?: Fanout;
  readonly #resyncers = new Set<() => void>();
  readonly #id = crypto.randomUUID();

  /**
   * A string names a BroadcastChannel (the default fanout); null disables
   * fanout; a {@link Fanout} is used as given (and closed with the bus).
   */
  constructor(fanout: string | null | Fanout = "rt-messenger") {
    if (typeof fanout === "string") fanout = new BroadcastFanout(fanout);
    if (!fanout) return;
    this.#fanout = fanout;
    fanout.start({
      receive: (wire: Wire) => {
        if (!wire || wire.origin === this.#id) return;
        if (typeof wire.topic !== "string") return;
        this.#deliver(wire.topic, wire.event);
      },
      resync: () => {
        for (const fn of [...this.#resyncers]) {
          try {
            fn();
          } catch (err) {
            console.error("bus resync failed", err);
          }
        }
      },
    });
  }

  /** Which fanout carries events to other instances (`none` without one). */
  get fanoutKind(): string {
    return this.#fanout?.kind ?? "none";
  }

  /** Delivers `event` to local subscribers of `topic` and to other instances. */
  publish(topic: string, event: BusEvent): void {
    this.#deliver(topic, event);
    this.#fanout?.publish({ origin: this.#id, topic, event });
  }

  /** Sends `event` to other instances only (not to this one's subscribers). */
  publishRemote(topic: string, event: BusEvent): void {
    this.#fanout?.publish({ origin: this.#id, topic, event });
  }

  /** Delivers `event` to this instance's subscribers only. */
  publishLocal(topic: string, event: BusEvent): void {
    this.#deliver(topic, event);
  }

  /**
   * Calls `fn` when cross-instance events may have been lost (the doorbell
   * was down or reconnected), so that it can re-read from the log. Returns
   * the function that stops it.
   */
  onResync(fn: () => void): () => void {
    this.#resyncers.add(fn);
    return () => this.#resyncers.delete(fn);
  }

  /** The topics with local subscribers. */
  topics(): string[] {
    return [...this.#listeners.keys()];
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

  /** Closes the fanout; no more cross-instance events. */
  async close(): Promise<void> {
    const fanout = this.#fanout;
    this.#fanout = undefined;
    this.#listeners.clear();
    this.#resyncers.clear();
    await fanout?.close();
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
