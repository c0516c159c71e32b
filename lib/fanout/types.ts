/**
 * The doorbell between instances: a {@link Fanout} carries bus events
 * (messages, edits, typing, presence, room changes, revocations) from one
 * instance to the others. It is a hint only: the KV log stays the truth, and
 * a lost event is healed by catch-up from the log.
 * @module
 */

/** Any JSON-serialisable event (same as the bus's). */
export type WireEvent = Record<string, unknown>;

/** One event on the wire, tagged with the publishing instance. */
export interface Wire {
  origin: string;
  topic: string;
  event: WireEvent;
}

/** What a fanout reports to its bus. */
export interface FanoutReceiver {
  /** An event from another instance. */
  receive(wire: Wire): void;
  /**
   * Events may have been missed (the doorbell was down or just came back):
   * the bus should re-read what matters from the log.
   */
  resync(): void;
}

/** A cross-instance transport for bus events. */
export interface Fanout {
  /** Short name for logs and docs (`broadcast`, `redis`, `kv-watch`). */
  readonly kind: string;
  /** Starts delivering other instances' events to `receiver`. */
  start(receiver: FanoutReceiver): void;
  /** Sends `wire` to the other instances; never throws, never blocks. */
  publish(wire: Wire): void;
  /** Stops; no more events either way. */
  close(): Promise<void>;
}

/**
 * Logs a doorbell outage once (not per event) and its end; `down()` returns
 * true the first time, `up()` true when an outage ended.
 */
export class OutageLog {
  #down = false;
  constructor(readonly name: string) {}

  /** True while an outage is known. */
  get isDown(): boolean {
    return this.#down;
  }

  /** Records a failure; logs only the first of an outage. */
  down(err: unknown): boolean {
    if (this.#down) return false;
    this.#down = true;
    console.error(
      `fanout ${this.name}: unreachable (${
        err instanceof Error ? err.message : String(err)
      }); chat continues per process with catch-up from the log`,
    );
    return true;
  }

  /** Records success; logs and returns true when it ends an outage. */
  up(): boolean {
    if (!this.#down) return false;
    this.#down = false;
    console.error(`fanout ${this.name}: reconnected`);
    return true;
  }
}
