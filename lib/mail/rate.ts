/**
 * A token bucket for the sender's mails-per-second limit.
 * @module
 */

/** Allows `perSecond` takes per second on average, bursts of a tenth of that. */
export class RateLimiter {
  #tokens = 0;
  #at = Date.now();

  /** `perSecond` 0 means no limit. */
  constructor(readonly perSecond: number) {}

  /** Takes up to `want` tokens now; returns how many were granted. */
  take(want: number): number {
    const rate = this.perSecond;
    if (!rate) return want;
    const now = Date.now();
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
