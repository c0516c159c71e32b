/**
 * `FANOUT=broadcast` (default): a BroadcastChannel. Reaches every isolate of
 * this process (apps in one process, `WORKERS=N` workers) and, on Deno
 * Deploy, the isolates the platform connects; not other processes.
 * @module
 */
import type { Fanout, FanoutReceiver, Wire } from "./types.ts";

/** Fanout over a BroadcastChannel named `name`. */
export class BroadcastFanout implements Fanout {
  readonly kind = "broadcast";
  #channel?: BroadcastChannel;

  constructor(readonly name: string) {}

  /** Opens the channel. */
  start(receiver: FanoutReceiver): void {
    if (typeof BroadcastChannel === "undefined") return;
    this.#channel = new BroadcastChannel(this.name);
    this.#channel.onmessage = (e: MessageEvent<Wire>) => {
      if (e.data) receiver.receive(e.data);
    };
  }

  /** Posts to the channel. */
  publish(wire: Wire): void {
    try {
      this.#channel?.postMessage(wire);
    } catch (err) {
      console.error("fanout broadcast: post failed", err);
    }
  }

  /** Closes the channel. */
  close(): Promise<void> {
    this.#channel?.close();
    this.#channel = undefined;
    return Promise.resolve();
  }
}
