/**
 * The sender loop: one per process. It leases due recipients of active
 * campaigns from the ledger (lease_buffer.ts), sends them through the
 * transport (delivery.ts), and records each outcome, grouped into few
 * commits (outcome_writer.ts). It keeps no state that matters across
 * restarts: a new process continues from the ledger.
 * @module
 */
import type { EventBus } from "../events.ts";
import { listValues } from "../kv.ts";
import type { ComposeContext } from "./compose.ts";
import type { Leased } from "./ledger.ts";
import { keys } from "./model.ts";
import { RateLimiter } from "./rate.ts";
import {
  backoffMs,
  progressEvent,
  ProgressTicker,
  publishProgress,
} from "./progress.ts";
import type { MailTransport } from "./transport.ts";
import { CampaignCache } from "./campaign_cache.ts";
import { attempt, type DeliveryOptions } from "./delivery.ts";
import { LeaseBuffer, leaseKey } from "./lease_buffer.ts";
import { OutcomeWriter } from "./outcome_writer.ts";

export { backoffMs, progressEvent, publishProgress };

/** Sender settings; every number has a default. */
export interface SenderOptions extends ComposeContext {
  kv: Deno.Kv;
  transport: MailTransport;
  /** Progress events go to `user:<owner>` when set. */
  bus?: EventBus;
  /** Mails in flight at once (default 5, like the SMTP pool). */
  concurrency?: number;
  /** Mails per second, 0 for no limit (default 0). */
  ratePerSecond?: number;
  /**
   * How long a lease lasts before another process may take over (default
   * 60 s); renewed while the mail's transport call runs.
   */
  leaseMs?: number;
  /** Attempts before a transient failure becomes `failed` (default 5). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt (default 2 s). */
  retryBaseMs?: number;
  /** Idle poll interval for new work (default 500 ms). */
  pollMs?: number;
  /** Least time between two progress events per campaign (default 250 ms). */
  progressMs?: number;
}

/** A running sender loop. */
export class Sender {
  readonly #o: Required<Omit<SenderOptions, "bus">> & { bus?: EventBus };
  /** The caller's object, so getters (e.g. a late-bound appUrl) stay live. */
  readonly #ctx: ComposeContext;
  readonly #inflight = new Map<string, Promise<void>>();
  readonly #campaigns: CampaignCache;
  readonly #outcomes: OutcomeWriter;
  readonly #buffer: LeaseBuffer;
  readonly #delivery: DeliveryOptions;
  #stopped = true;
  #loop?: Promise<void>;
  #signal?: () => void;
  #pumpTimer?: ReturnType<typeof setTimeout>;
  #woken = false;
  readonly #ticker: ProgressTicker;
  readonly #rate: RateLimiter;

  constructor(options: SenderOptions) {
    this.#ctx = options;
    this.#rate = new RateLimiter(options.ratePerSecond ?? 0);
    this.#campaigns = new CampaignCache(options.kv);
    this.#ticker = new ProgressTicker(
      options.kv,
      options.bus,
      options.progressMs ?? 250,
      (id) => this.#campaigns.delete(id),
    );
    this.#outcomes = new OutcomeWriter(
      options.kv,
      (id) => this.#ticker.touch(id),
    );
    this.#o = {
      concurrency: 5,
      ratePerSecond: 0,
      leaseMs: 60_000,
      maxAttempts: 5,
      retryBaseMs: 2_000,
      pollMs: 500,
      progressMs: 250,
      ...options,
    };
    this.#buffer = new LeaseBuffer(this.#o);
    this.#delivery = { ...this.#o, ctx: this.#ctx };
  }

  /** Starts the loop (idempotent). */
  start(): this {
    if (!this.#stopped) return this;
    this.#stopped = false;
    this.#loop = this.#run();
    return this;
  }

  /** Looks for work now instead of at the next poll. */
  wake(): void {
    const s = this.#signal;
    this.#signal = undefined;
    if (s) s();
    else this.#woken = true; // woken while busy: look again before sleeping
  }

  /** Stops leasing, waits for mails in flight and their ledger writes. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    this.wake();
    await this.#loop;
    clearTimeout(this.#pumpTimer);
    this.#pumpTimer = undefined;
    await this.#buffer.release();
    await Promise.all(this.#inflight.values());
    await this.#outcomes.settle();
    await this.#ticker.stop();
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      this.#woken = false;
      let leased = 0;
      // Refill once the buffer is under its target (not after every mail).
      const want = this.#buffer.want();
      if (want > 0) {
        try {
          leased = await this.#buffer.fill(want, this.#inflight);
        } catch (err) {
          console.error("mail sender: leasing failed", err);
        }
      }
      this.#pump();
      if (this.#stopped) break;
      const full = this.#buffer.length >= this.#buffer.target;
      if (this.#woken && !full) continue;
      if (leased === 0 || full) {
        await new Promise<void>((resolve) => {
          const t = full
            ? undefined
            : setTimeout(() => this.wake(), this.#o.pollMs);
          this.#signal = () => {
            if (t !== undefined) clearTimeout(t);
            resolve();
          };
        });
      }
    }
  }

  /** Moves buffered records into free slots, within the rate limit. */
  #pump(): void {
    while (
      !this.#stopped && this.#buffer.length &&
      this.#inflight.size < this.#o.concurrency
    ) {
      if (!this.#rate.take(1)) {
        this.#pumpTimer ??= setTimeout(() => {
          this.#pumpTimer = undefined;
          this.#pump();
        }, Math.max(1, Math.ceil(1000 / this.#o.ratePerSecond)));
        break;
      }
      this.#dispatch(this.#buffer.shift()!);
    }
  }

  #dispatch(l: Leased): void {
    const key = leaseKey(l);
    const p = this.#deliver(l).catch((err) =>
      console.error("mail sender:", err)
    )
      .finally(() => {
        this.#inflight.delete(key);
        this.#pump();
        // A slot freed: refill the buffer now rather than at the next poll.
        // (Only here: waking on every pump made the idle loop spin, issue 9
        // item 13.)
        if (this.#buffer.length < this.#buffer.target) this.wake();
      });
    this.#inflight.set(key, p);
  }

  async #deliver(l: Leased): Promise<void> {
    const c = await this.#campaigns.get(l.campaignId);
    const done = await attempt(this.#delivery, c, l);
    if (!done) return; // taken over by another process
    // The slot stays taken until the outcome is durable: at most
    // `concurrency` mails can be accepted by SMTP but not yet recorded.
    await this.#outcomes.record(done.leased, done.outcome);
  }
}

/** Ids of campaigns currently sending (for diagnostics and tests). */
export async function activeCampaigns(kv: Deno.Kv): Promise<string[]> {
  return await listValues<string>(kv, { prefix: keys.actives() });
}
