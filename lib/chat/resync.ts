/**
 * Healing after a doorbell outage: when the bus says cross-instance events
 * may have been lost, the newest message of every room followed on this
 * instance is re-read from the log and delivered locally. A socket that is
 * behind sees a gap and catches up from the log; one that is current ignores
 * it (seq already delivered), so clients get no loss and no duplicates.
 * @module
 */
import type { EventBus } from "../events.ts";
import { readLog } from "./messages.ts";

/** Re-delivers each followed room's newest message; returns how many rooms. */
export async function resyncRooms(kv: Deno.Kv, bus: EventBus): Promise<number> {
  let n = 0;
  for (const topic of bus.topics()) {
    if (!topic.startsWith("room:")) continue;
    const room = topic.slice(5);
    const [newest] = await readLog(kv, room, { limit: 1 });
    if (!newest) continue;
    bus.publishLocal(topic, { type: "message", room, message: newest });
    n++;
  }
  return n;
}

/**
 * Runs {@link resyncRooms} on every bus resync (one run at a time; a resync
 * asked for while one runs runs once more after it). Returns the stopper.
 */
export function healOnResync(kv: Deno.Kv, bus: EventBus): () => void {
  let running: Promise<void> | null = null;
  let again = false;
  const run = (): void => {
    if (running) {
      again = true;
      return;
    }
    running = resyncRooms(kv, bus)
      .then(() => {}, (err) => console.error("chat resync failed", err))
      .finally(() => {
        running = null;
        if (again) {
          again = false;
          run();
        }
      });
  };
  return bus.onResync(run);
}
