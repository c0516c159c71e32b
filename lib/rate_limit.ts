/**
 * Rate limits in KV, shared by every instance, that cannot be bypassed by
 * parallel requests: an attempt is RESERVED (an atomic read-check-write of
 * every counter involved) before the work it limits is done, and given back
 * with {@link release} when it should not count (a successful login).
 *
 * Usage, for any new limit (password reset, invites, ...):
 *
 * ```ts
 * const r = await reserveOrThrow(kv, [
 *   windowSlot("reset_ip", ip, { max: 5, windowMs: HOUR }),
 *   windowSlot("reset_user", userId, { max: 3, windowMs: HOUR }),
 * ], "Too many reset requests.");
 * // ... do the work; `await release(kv, r)` if it must not count.
 * ```
 * @module
 */
import { TooManyRequestsError } from "./errors.ts";
import { retryLocked } from "./kv.ts";

/** A limit: at most `max` hits per `windowMs`. */
export interface Limit {
  max: number;
  windowMs: number;
}

/** What a slot decides from its current value. */
export type SlotDecision<T> =
  | { value: T; expireIn: number }
  | { retryAfterMs: number };

/**
 * One KV value taking part in a reservation. `take` is a pure function of
 * the stored value; `give` undoes one `take` (null deletes the value).
 */
export interface Slot<T = unknown> {
  key: Deno.KvKey;
  take(value: T | null, now: number): SlotDecision<T>;
  give?(value: T, now: number): { value: T; expireIn: number } | null;
}

/** A granted reservation, to {@link release} if the attempt must not count. */
export interface Reservation {
  slots: Slot[];
  /** The values written, in slot order (counters: the new count). */
  values: unknown[];
}

/** The outcome of {@link reserve}. */
export type ReserveResult =
  | { ok: true; reservation: Reservation }
  | { ok: false; retryAfterMs: number; slot: Slot };

function windowKey(scope: string, key: string, limit: Limit, now: number) {
  return ["rate", scope, key, Math.floor(now / limit.windowMs)];
}

/**
 * A fixed-window counter: at most `limit.max` reservations per window for
 * `scope`/`key`. The key is taken at creation time (one window).
 */
export function windowSlot(
  scope: string,
  key: string,
  limit: Limit,
  now = Date.now(),
): Slot<number> {
  const retryAfterMs = limit.windowMs - (now % limit.windowMs);
  return {
    key: windowKey(scope, key.slice(0, 200), limit, now),
    take: (count) =>
      (count ?? 0) >= limit.max
        ? { retryAfterMs }
        : { value: (count ?? 0) + 1, expireIn: limit.windowMs * 2 },
    give: (count) =>
      count <= 1 ? null : { value: count - 1, expireIn: limit.windowMs * 2 },
  };
}

const queues = new Map<string, Promise<unknown>>();

/**
 * Runs `fn` after every earlier call with the same `key` in this process
 * (first come, first served; cuts retries on contended counters).
 */
async function inTurn<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const before = queues.get(key) ?? Promise.resolve();
  const mine = before.then(fn, fn);
  const tail = mine.catch(() => {});
  queues.set(key, tail);
  try {
    return await mine;
  } finally {
    if (queues.get(key) === tail) queues.delete(key);
  }
}

/**
 * Reserves one attempt in every slot, all or nothing, in one atomic commit
 * guarded by checks of every value read (retried on a concurrent change,
 * so it holds across instances). Within a process, reservations on the same
 * first slot are taken in call order. Refusal writes nothing.
 */
export function reserve(
  kv: Deno.Kv,
  slots: Slot[],
): Promise<ReserveResult> {
  return inTurn(JSON.stringify(slots[0]?.key), () => reserveNow(kv, slots));
}

async function reserveNow(
  kv: Deno.Kv,
  slots: Slot[],
): Promise<ReserveResult> {
  for (;;) {
    const now = Date.now();
    const entries = await kv.getMany(slots.map((s) => s.key));
    const op = kv.atomic();
    const values: unknown[] = [];
    for (let i = 0; i < slots.length; i++) {
      const decision = slots[i].take(entries[i].value, now);
      if ("retryAfterMs" in decision) {
        return {
          ok: false,
          retryAfterMs: Math.max(decision.retryAfterMs, 1),
          slot: slots[i],
        };
      }
      op.check(entries[i]).set(slots[i].key, decision.value, {
        expireIn: decision.expireIn,
      });
      values.push(decision.value);
    }
    const res = await retryLocked(() => op.commit());
    if (res.ok) return { ok: true, reservation: { slots, values } };
  }
}

/**
 * Like {@link reserve}, but a refusal throws 429 with `Retry-After` and
 * `message` followed by when to try again ("Try again in 40 seconds.").
 */
export async function reserveOrThrow(
  kv: Deno.Kv,
  slots: Slot[],
  message: string,
): Promise<Reservation> {
  const res = await reserve(kv, slots);
  if (res.ok) return res.reservation;
  const seconds = Math.ceil(res.retryAfterMs / 1000);
  throw new TooManyRequestsError(
    `${message} Try again in ${describeWait(seconds)}.`,
    seconds,
  );
}

/** Gives a reservation back (each slot's `give`), e.g. after a success. */
export async function release(
  kv: Deno.Kv,
  reservation: Reservation,
): Promise<void> {
  const slots = reservation.slots.filter((s) => s.give);
  for (;;) {
    const now = Date.now();
    const entries = await kv.getMany(slots.map((s) => s.key));
    const op = kv.atomic();
    slots.forEach((slot, i) => {
      const entry = entries[i];
      op.check(entry);
      if (entry.value === null) return;
      const next = slot.give!(entry.value, now);
      if (next) op.set(slot.key, next.value, { expireIn: next.expireIn });
      else op.delete(slot.key);
    });
    if ((await retryLocked(() => op.commit())).ok) return;
  }
}

/** "1 second", "40 seconds", "3 minutes" (rounded up), "2 hours". */
export function describeWait(seconds: number): string {
  const s = Math.max(1, Math.ceil(seconds));
  if (s < 120) return `${s} second${s === 1 ? "" : "s"}`;
  const m = Math.ceil(s / 60);
  if (m < 120) return `${m} minutes`;
  return `${Math.ceil(m / 60)} hours`;
}
