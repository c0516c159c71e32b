/**
 * A token bucket for the sender's mails-per-second limit.
 * @module
 */

/** Allows `perSecond` takes per second on average, bursts of a tenth of that. */
export class RateLimiter {
  #tokens = 0;
  #at: number;

  /** `perSecond` 0 means no limit; the bucket starts empty at `start`. */
  constructor(readonly perSecond: number, start: number = Date.now()) {
    this.#at = start;
  }

  /** Takes up to `want` tokens at time `now`; returns how many were granted. */
  take(want: number, now: number = Date.now()): number {
    const rate = this.perSecond;
    if (!rate) return want;
    const burst = Math.max(1, Math.ceil(rate / 10));
    this.#tokens = Math.min(
      burst,
      this.#tokens + (now - this.#at) * rate / 1000,
    );
    this.#at = now;
    const n = Math.min(want, Math.floor(this.#tokens));
    this.#tokens -= n;
    return n;
  }
}
