/**
 * Fixed-window counters in KV, shared by every instance.
 * @module
 */

/** A limit: at most `max` hits per `windowMs`. */
export interface Limit {
  max: number;
  windowMs: number;
}

/** The state of one counter. */
export interface RateState {
  count: number;
  /** Milliseconds until the window resets. */
  retryAfterMs: number;
}

function windowKey(
  scope: string,
  key: string,
  limit: Limit,
  now: number,
): Deno.KvKey {
  return ["rate", scope, key, Math.floor(now / limit.windowMs)];
}

/** Reads a counter without changing it. */
export async function peek(
  kv: Deno.Kv,
  scope: string,
  key: string,
  limit: Limit,
): Promise<RateState> {
  const now = Date.now();
  const entry = await kv.get<number>(windowKey(scope, key, limit, now));
  return {
    count: entry.value ?? 0,
    retryAfterMs: limit.windowMs - (now % limit.windowMs),
  };
}

/** Adds one hit to a counter and returns its new state. */
export async function hit(
  kv: Deno.Kv,
  scope: string,
  key: string,
  limit: Limit,
): Promise<RateState> {
  const now = Date.now();
  const k = windowKey(scope, key, limit, now);
  for (;;) {
    const entry = await kv.get<number>(k);
    const count = (entry.value ?? 0) + 1;
    const res = await kv.atomic().check(entry).set(k, count, {
      expireIn: limit.windowMs * 2,
    })
      .commit();
    if (res.ok) {
      return { count, retryAfterMs: limit.windowMs - (now % limit.windowMs) };
    }
  }
}

/** True when the counter has reached `limit.max`. */
export async function isLimited(
  kv: Deno.Kv,
  scope: string,
  key: string,
  limit: Limit,
): Promise<RateState | null> {
  const state = await peek(kv, scope, key, limit);
  return state.count >= limit.max ? state : null;
}
