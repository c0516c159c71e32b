/**
 * A token bucket for rate limits: `burst` tokens, refilled at `perSecond`.
 * @module
 */

/** One bucket; call {@link TokenBucket.take} per action. */
export class TokenBucket {
  #tokens: number;
  #at: number;
  constructor(
    readonly burst: number,
    readonly perSecond: number,
    readonly now: () => number = Date.now,
  ) {
    this.#tokens = burst;
    this.#at = now();
  }

  /** Takes one token; false when the bucket is empty (rate limited). */
  take(): boolean {
    const t = this.now();
    this.#tokens = Math.min(
      this.burst,
      this.#tokens + ((t - this.#at) / 1000) * this.perSecond,
    );
    this.#at = t;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** True when the bucket has refilled completely (safe to forget). */
  get full(): boolean {
    const t = this.now();
    return this.#tokens + ((t - this.#at) / 1000) * this.perSecond >=
      this.burst;
  }

  /** Seconds until the next token (0 when one is available). */
  get retryAfter(): number {
    return this.#tokens >= 1 || this.perSecond <= 0
      ? 0
      : Math.ceil((1 - this.#tokens) / this.perSecond);
  }
}
