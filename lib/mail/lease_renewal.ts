/**
 * Lease renewal during a slow send: while the transport call of a leased
 * record runs, the process holding the lease extends it every third of the
 * lease, so no other process takes the record over (fails an at-most-once
 * record as interrupted, or mails a recipient twice) while it is still
 * being sent. A process that dies stops renewing, so its lease still runs
 * out. A send that ends within the first period costs one timer, no write.
 * @module
 */
import { retryLocked } from "../kv.ts";
import type { Leased } from "./ledger.ts";
import { keys, type LedgerRecord } from "./model.ts";

/**
 * Extends lease `l` to `now + leaseMs` (record and due index), checked
 * against its versionstamp. Returns the renewed lease, or null when another
 * process took the record over (or it moved on).
 */
export async function renewLease(
  kv: Deno.Kv,
  l: Leased,
  leaseMs: number,
  now = Date.now(),
): Promise<Leased | null> {
  const r = l.record;
  const key = keys.rcpt(l.campaignId, r.rid);
  const record: LedgerRecord = { ...r, dueAt: now + leaseMs };
  const op = kv.atomic().check({ key, versionstamp: l.versionstamp });
  if (r.dueAt !== undefined) op.delete(keys.due(l.campaignId, r.dueAt, r.rid));
  op.set(keys.due(l.campaignId, record.dueAt!, r.rid), null).set(key, record);
  const res = await retryLocked(() => op.commit());
  return res.ok ? { ...l, record, versionstamp: res.versionstamp } : null;
}

/** Keeps one lease renewed from construction until `stop`. */
export class LeaseRenewal {
  readonly #kv: Deno.Kv;
  readonly #leaseMs: number;
  #lease: Leased;
  #timer?: ReturnType<typeof setTimeout>;
  #running?: Promise<void>;
  #stopped = false;

  /**
   * Starts renewing `l`. A lease with less than a third left (it waited for
   * a send slot) is renewed first; null when another process took the
   * record over meanwhile, so it must not be sent.
   */
  static async start(
    kv: Deno.Kv,
    l: Leased,
    leaseMs: number,
  ): Promise<LeaseRenewal | null> {
    if ((l.record.dueAt ?? 0) - Date.now() < leaseMs / 3) {
      const renewed = await renewLease(kv, l, leaseMs);
      if (!renewed) return null;
      l = renewed;
    }
    return new LeaseRenewal(kv, l, leaseMs);
  }

  /** Starts renewing `l` (only a timer until the first period elapses). */
  constructor(kv: Deno.Kv, l: Leased, leaseMs: number) {
    this.#kv = kv;
    this.#leaseMs = leaseMs;
    this.#lease = l;
    this.#schedule();
  }

  /**
   * Stops renewing and waits for a renewal under way. Returns the lease to
   * write the outcome against: the last renewed one, or the original (now
   * stale) one when the record was taken over, so that write fails its
   * check as it would have without renewal.
   */
  async stop(): Promise<Leased> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
    return this.#lease;
  }

  /**
   * Next renewal after a third of the lease, or after half of what is left
   * of it when less (a record that waited in the lease buffer).
   */
  #schedule(wait?: number): void {
    const left = (this.#lease.record.dueAt ?? 0) - Date.now();
    wait ??= Math.max(0, Math.min(this.#leaseMs / 3, left / 2));
    this.#timer = setTimeout(() => {
      this.#running = this.#renew().finally(() => {
        this.#running = undefined;
      });
    }, wait);
  }

  async #renew(): Promise<void> {
    let next: Leased | null;
    try {
      next = await renewLease(this.#kv, this.#lease, this.#leaseMs);
    } catch (err) {
      // KV trouble: keep the lease we have and try again a period later.
      console.error("mail sender: renewing a lease failed", err);
      if (!this.#stopped) this.#schedule(this.#leaseMs / 3);
      return;
    }
    if (!next) return; // taken over: stop renewing
    this.#lease = next;
    if (!this.#stopped) this.#schedule();
  }
}
