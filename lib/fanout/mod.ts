/**
 * Chooses the cross-instance doorbell from `FANOUT`: `broadcast` (default),
 * `kv-watch`, or a `redis://` / `rediss://` URL (its client is loaded only
 * then).
 * @module
 */
import { BroadcastFanout } from "./broadcast.ts";
import { KvWatchFanout } from "./kv_watch.ts";
import { isFanoutSpec } from "./spec.ts";
import type { Fanout } from "./types.ts";

export type { Fanout, FanoutReceiver, Wire } from "./types.ts";
export { BroadcastFanout, isFanoutSpec, KvWatchFanout };

/**
 * Creates the fanout for `spec`; `name` scopes it (BroadcastChannel name,
 * Redis channel), `kv` is used by `kv-watch`.
 */
export async function createFanout(
  spec: string,
  name: string,
  kv: Deno.Kv,
): Promise<Fanout> {
  if (spec === "broadcast") return new BroadcastFanout(name);
  if (spec === "kv-watch") return new KvWatchFanout(kv, 100, name);
  if (!isFanoutSpec(spec)) {
    throw new Error(
      `FANOUT must be broadcast, kv-watch or a redis:// URL, got "${spec}"`,
    );
  }
  // Loaded only when used: the Redis client is not part of other setups.
  const { RedisFanout } = await import("./redis.ts");
  return new RedisFanout(spec, name);
}
