/**
 * The sender's claimed work: recipients leased from the ledger ahead of
 * time, round-robin over active campaigns, so a freed slot never waits for
 * KV. Leases not sent by a stop are released for another process.
 * @module
 */
import { CHECK_BATCH, type Leased, leaseDue, releaseLeases } from "./ledger.ts";
import { keys } from "./model.ts";

/** The in-flight/buffer key of a leased record: `<campaignId>/<rid>`. */
export function leaseKey(l: Leased): string {
  return `${l.campaignId}/${l.record.rid}`;
}

/** Leased records waiting for a send slot. */
export class LeaseBuffer {
  readonly #kv: Deno.Kv;
  readonly #concurrency: number;
  readonly #ratePerSecond: number;
  readonly #leaseMs: number;
  #buffer: Leased[] = [];
  #rr = 0;

  constructor(
    o: {
      kv: Deno.Kv;
      concurrency: number;
      ratePerSecond: number;
      leaseMs: number;
    },
  ) {
    this.#kv = o.kv;
    this.#concurrency = o.concurrency;
    this.#ratePerSecond = o.ratePerSecond;
    this.#leaseMs = o.leaseMs;
  }

  /** How many records are waiting. */
  get length(): number {
    return this.#buffer.length;
  }

  /** Leased records kept ready so a freed slot never waits for KV. */
  get target(): number {
    const rate = this.#ratePerSecond;
    return rate
      ? Math.min(this.#concurrency, Math.max(1, Math.floor(rate)))
      : this.#concurrency;
  }

  /**
   * How far a refill goes. Without a rate limit one lease commit takes a
   * whole check batch beyond the target, so leasing costs a few KV round
   * trips per ~10 mails instead of per mail (bench/mail.ts). With a rate
   * limit only the target: a slow campaign must not hold leases it cannot
   * send before they expire.
   */
  get #refillTo(): number {
    return this.#ratePerSecond ? this.target : this.target + CHECK_BATCH - 1;
  }

  /** How many to lease now: a refill once under the target, else 0. */
  want(): number {
    return this.#buffer.length < this.target
      ? this.#refillTo - this.#buffer.length
      : 0;
  }

  /** Takes the oldest waiting record. */
  shift(): Leased | undefined {
    return this.#buffer.shift();
  }

  /**
   * Leases up to `max` due records over the active campaigns (starting one
   * campaign further each call), skipping `inflight` keys and those already
   * buffered. Returns how many it leased.
   */
  async fill(
    max: number,
    inflight: ReadonlyMap<string, unknown>,
  ): Promise<number> {
    const kv = this.#kv;
    const active: string[] = [];
    for await (const e of kv.list({ prefix: keys.actives() })) {
      active.push(e.key[1] as string);
    }
    if (!active.length) return 0;
    let n = 0;
    const skip = new Set(inflight.keys());
    for (const l of this.#buffer) skip.add(leaseKey(l));
    for (let i = 0; i < active.length && n < max; i++) {
      const id = active[(this.#rr + i) % active.length];
      const leased = await leaseDue(kv, id, max - n, this.#leaseMs, skip);
      this.#buffer.push(...leased);
      n += leased.length;
    }
    this.#rr++;
    return n;
  }

  /** Empties the buffer and releases its leases (errors are logged). */
  async release(): Promise<void> {
    const unsent = this.#buffer.splice(0);
    await releaseLeases(this.#kv, unsent).catch((err) =>
      console.error("mail sender: releasing leases failed", err)
    );
  }
}
