/**
 * The sender loop: one per process. It leases due recipients of active
 * campaigns from the ledger, sends them through the transport, and records
 * each outcome (grouped into few commits). It keeps no state that matters
 * across restarts: a new process continues from the ledger.
 * @module
 */
import type { EventBus } from "../events.ts";
import { listValues } from "../kv.ts";
import {
  compileCampaign,
  type CompiledCampaign,
  type ComposeContext,
  composeFor,
} from "./compose.ts";
import {
  CHECK_BATCH,
  INTERRUPTED,
  type Leased,
  leaseDue,
  markHanded,
  type Outcome,
  recordOutcomes,
  releaseLeases,
} from "./ledger.ts";
import { type Campaign, keys } from "./model.ts";
import { RateLimiter } from "./rate.ts";
import { testPoint } from "../test_point.ts";
import {
  backoffMs,
  progressEvent,
  ProgressTicker,
  publishProgress,
} from "./progress.ts";

export { backoffMs, progressEvent, publishProgress };
import { type MailTransport, SendError } from "./transport.ts";

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
  /** How long a lease lasts before another process may take over (default 60 s). */
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

interface PendingOutcome {
  leased: Leased;
  outcome: Outcome;
  done: () => void;
}

/** A running sender loop. */
export class Sender {
  readonly #o: Required<Omit<SenderOptions, "bus">> & { bus?: EventBus };
  /** The caller's object, so getters (e.g. a late-bound appUrl) stay live. */
  readonly #ctx: ComposeContext;
  readonly #inflight = new Map<string, Promise<void>>();
  readonly #campaigns = new Map<string, CompiledCampaign>();
  #pending: PendingOutcome[] = [];
  #flushing?: Promise<void>;
  #stopped = true;
  #loop?: Promise<void>;
  #signal?: () => void;
  #buffer: Leased[] = [];
  #pumpTimer?: ReturnType<typeof setTimeout>;
  #woken = false;
  #rr = 0;
  readonly #ticker: ProgressTicker;
  readonly #rate: RateLimiter;

  constructor(options: SenderOptions) {
    this.#ctx = options;
    this.#rate = new RateLimiter(options.ratePerSecond ?? 0);
    this.#ticker = new ProgressTicker(
      options.kv,
      options.bus,
      options.progressMs ?? 250,
      (id) => this.#campaigns.delete(id),
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
    const unsent = this.#buffer.splice(0);
    await releaseLeases(this.#o.kv, unsent).catch((err) =>
      console.error("mail sender: releasing leases failed", err)
    );
    await Promise.all(this.#inflight.values());
    await this.#flushing;
    await this.#flushing;
    await this.#ticker.stop();
  }

  /** Leased records kept ready so a freed slot never waits for KV. */
  get #bufferTarget(): number {
    const rate = this.#o.ratePerSecond;
    return rate
      ? Math.min(this.#o.concurrency, Math.max(1, Math.floor(rate)))
      : this.#o.concurrency;
  }

  /**
   * How far a refill goes. Without a rate limit one lease commit takes a
   * whole check batch beyond the target, so leasing costs a few KV round
   * trips per ~10 mails instead of per mail (bench/mail.ts). With a rate
   * limit only the target: a slow campaign must not hold leases it cannot
   * send before they expire.
   */
  get #refillTo(): number {
    return this.#o.ratePerSecond
      ? this.#bufferTarget
      : this.#bufferTarget + CHECK_BATCH - 1;
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      this.#woken = false;
      let leased = 0;
      // Refill once the buffer is under its target (not after every mail).
      const want = this.#buffer.length < this.#bufferTarget
        ? this.#refillTo - this.#buffer.length
        : 0;
      if (want > 0) {
        try {
          leased = await this.#fill(want);
        } catch (err) {
          console.error("mail sender: leasing failed", err);
        }
      }
      this.#pump();
      if (this.#stopped) break;
      const full = this.#buffer.length >= this.#bufferTarget;
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

  async #fill(max: number): Promise<number> {
    const { kv } = this.#o;
    const active: string[] = [];
    for await (const e of kv.list({ prefix: keys.actives() })) {
      active.push(e.key[1] as string);
    }
    if (!active.length) return 0;
    let n = 0;
    const skip = new Set(this.#inflight.keys());
    for (const l of this.#buffer) skip.add(`${l.campaignId}/${l.record.rid}`);
    for (let i = 0; i < active.length && n < max; i++) {
      const id = active[(this.#rr + i) % active.length];
      const leased = await leaseDue(kv, id, max - n, this.#o.leaseMs, skip);
      this.#buffer.push(...leased);
      n += leased.length;
    }
    this.#rr++;
    return n;
  }

  #dispatch(l: Leased): void {
    const key = `${l.campaignId}/${l.record.rid}`;
    const p = this.#deliver(l).catch((err) =>
      console.error("mail sender:", err)
    )
      .finally(() => {
        this.#inflight.delete(key);
        this.#pump();
        // A slot freed: refill the buffer now rather than at the next poll.
        // (Only here: waking on every pump made the idle loop spin, issue 9
        // item 13.)
        if (this.#buffer.length < this.#bufferTarget) this.wake();
      });
    this.#inflight.set(key, p);
  }

  async #compiled(id: string): Promise<CompiledCampaign | null> {
    let c = this.#campaigns.get(id);
    if (!c) {
      const campaign =
        (await this.#o.kv.get<Campaign>(keys.campaign(id))).value;
      if (!campaign) return null;
      c = compileCampaign(campaign);
      if (this.#campaigns.size > 1000) this.#campaigns.clear();
      this.#campaigns.set(id, c);
    }
    return c;
  }

  async #deliver(l: Leased): Promise<void> {
    const c = await this.#compiled(l.campaignId);
    let outcome: Outcome;
    if (!c) {
      outcome = {
        kind: "failed",
        error: "campaign no longer exists",
        permanent: true,
      };
    } else if (l.record.once && l.record.handedAt) {
      // At most once: an earlier lease handed it over and never recorded how
      // it went (the process died); it may have been delivered.
      outcome = { kind: "failed", error: INTERRUPTED, permanent: true };
    } else {
      try {
        const mail = composeFor(c, l.record, this.#ctx);
        if (l.record.once) {
          await testPoint("mail:before_handover");
          const handed = await markHanded(this.#o.kv, l);
          if (!handed) return; // taken over by another process
          l = handed;
        }
        const res = await this.#o.transport.send(
          c.campaign.digest?.user ?? c.campaign.owner,
          mail,
        );
        outcome = { kind: "sent", response: res.response };
      } catch (err) {
        const e = err instanceof SendError
          ? err
          : new SendError(String(err), false);
        const attempts = l.record.attempts;
        if (e.permanent) {
          outcome = { kind: "failed", error: e.message, permanent: true };
        } else if (attempts >= this.#o.maxAttempts) {
          outcome = {
            kind: "failed",
            error: `gave up after ${attempts} attempts: ${e.message}`,
          };
        } else {
          outcome = {
            kind: "retry",
            error: e.message,
            // A rate-limit answer (HTTPS transports) asks for at least its pause.
            dueAt: Date.now() + Math.max(
              backoffMs(this.#o.retryBaseMs, attempts),
              (e as { retryAfterMs?: number }).retryAfterMs ?? 0,
            ),
          };
        }
      }
    }
    // The slot stays taken until the outcome is durable: at most
    // `concurrency` mails can be accepted by SMTP but not yet recorded.
    await new Promise<void>((done) => {
      this.#pending.push({ leased: l, outcome, done });
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#flushing) return;
    this.#flushing = (async () => {
      while (this.#pending.length) {
        const batch = this.#pending;
        this.#pending = [];
        try {
          await recordOutcomes(this.#o.kv, batch);
        } catch (err) {
          console.error("mail sender: recording outcomes failed", err);
        }
        for (const b of batch) b.done();
        for (const b of batch) this.#ticker.touch(b.leased.campaignId);
      }
    })().finally(() => {
      this.#flushing = undefined;
    });
  }
}

/** Ids of campaigns currently sending (for diagnostics and tests). */
export async function activeCampaigns(kv: Deno.Kv): Promise<string[]> {
  return await listValues<string>(kv, { prefix: keys.actives() });
}
