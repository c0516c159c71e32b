/**
 * The missed-mention mail planner. Every pass it turns due `digest_pending`
 * marks into digest jobs in the group-mail ledger (`digest_ledger.ts`) and
 * wakes the group-mail sender, which sends them through the same transport,
 * leases, retries and crash recovery as every campaign.
 *
 * Never twice for the same messages, even after a crash: a job is created in
 * one atomic with the `digest_covered` watermarks of the messages it lists
 * (so no message is ever put in two jobs), and its ledger record is at most
 * once: the sender marks it handed in the ledger before calling the
 * transport, and a record found handed after its lease ran out is failed,
 * not sent again. A record leased but never handed over (the process died
 * before) is simply sent by the next lease. A transient SMTP error puts it
 * back to `queued` with the sender's backoff.
 * @module
 */
import { newId } from "../ids.ts";
import { retryLocked } from "../kv.ts";
import { collectMissed, coveredKey } from "./digest_items.ts";
import { addDigestJob, pruneDigests } from "./digest_ledger.ts";
import { migrateOldDigestJobs } from "./digest_migrate.ts";
import {
  delayMs,
  getDigestSetting,
  unsubscribeToken,
  verifiedEmailOf,
} from "./digest_settings.ts";

export { type DigestRow, listDigests } from "./digest_ledger.ts";

/** What the planner needs. */
export interface DigestDeps {
  kv: Deno.Kv;
  /** DIGEST_DELAY_MINUTES: the delay for users who kept the default. */
  readonly defaultDelayMinutes: number;
  /** Called after new jobs were written (wakes the group-mail sender). */
  onQueued?: () => void;
  now?: () => number;
}

const PRUNE_EVERY_MS = 3600_000;

/** Plans missed-mention mails; `start()` runs the loop until `stop()`. */
export class DigestPlanner {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | null = null;
  #stopped = false;
  #prunedAt = 0;
  constructor(readonly deps: DigestDeps) {}

  /** How often the loop looks (a fraction of the delay, 0.25 s to 60 s). */
  get intervalMs(): number {
    return Math.min(
      60_000,
      Math.max(250, this.deps.defaultDelayMinutes * 60_000 / 4),
    );
  }

  start(): this {
    const loop = () => {
      if (this.#stopped) return;
      this.#running = this.tick().catch((e) =>
        console.error("digest planner:", e)
      ).finally(() => {
        this.#running = null;
        if (!this.#stopped) this.#timer = setTimeout(loop, this.intervalMs);
      });
    };
    this.#timer = setTimeout(loop, 0);
    return this;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    while (this.#running) await this.#running;
  }

  /** One pass: move old-ledger jobs over, then plan due pending marks. */
  async tick(): Promise<void> {
    const { kv } = this.deps;
    const now = this.deps.now?.() ?? Date.now();
    let queued = await migrateOldDigestJobs(kv);
    const pending = kv.list<{ since: number }>({ prefix: ["digest_pending"] }, {
      limit: 200,
    });
    for await (const e of pending) {
      if (await this.#plan(e, now)) queued++;
    }
    if (queued) this.deps.onQueued?.();
    if (now - this.#prunedAt >= PRUNE_EVERY_MS) {
      this.#prunedAt = now;
      await pruneDigests(kv, now);
    }
  }

  /** Turns one due pending mark into a ledger job (or clears it); true if queued. */
  async #plan(
    e: Deno.KvEntry<{ since: number }>,
    now: number,
  ): Promise<boolean> {
    const { kv } = this.deps;
    const user = e.key[1] as string;
    const delay = delayMs(
      await getDigestSetting(kv, user),
      this.deps.defaultDelayMinutes,
    );
    const to = delay === null ? null : await verifiedEmailOf(kv, user);
    if (delay === null || !to) {
      // Off, or no verified address: nothing is ever sent.
      await retryLocked(() => kv.atomic().check(e).delete(e.key).commit());
      return false;
    }
    const cutoff = now - delay;
    if (e.value.since > cutoff) return false;
    const missed = await collectMissed(kv, user, cutoff);
    const op = kv.atomic().check(e);
    // What is left: due now (over the cap), later, or nothing.
    const since = missed.more ? cutoff : missed.next;
    if (since === null) op.delete(e.key);
    else op.set(e.key, { since });
    if (!missed.items.length) {
      await retryLocked(() => op.commit());
      return false;
    }
    const top = new Map<string, number>();
    for (const it of missed.items) {
      top.set(it.room, Math.max(top.get(it.room) ?? 0, it.message.seq));
    }
    for (const [room, seq] of top) op.set(coveredKey(user, room), seq);
    addDigestJob(op, {
      id: newId(),
      user,
      email: to.email,
      name: to.name,
      items: missed.items,
      now,
      token: await unsubscribeToken(kv, user),
    });
    const res = await retryLocked(() => op.commit());
    return res.ok; // not ok: another instance planned it first
  }
}

interface AppDeps {
  kv: Deno.Kv;
  config: { digestDelayMinutes: number };
  onClose(fn: () => void | Promise<void>): void;
}

/**
 * Starts the digest planner for an app; its jobs are sent by the app's
 * group-mail sender (`wake` it). Stopped with the app.
 */
export function startDigestPlanner(
  deps: AppDeps,
  sender: { wake(): void },
): DigestPlanner {
  const { config } = deps;
  const planner = new DigestPlanner({
    kv: deps.kv,
    get defaultDelayMinutes() {
      return config.digestDelayMinutes;
    },
    onQueued: () => sender.wake(),
  }).start();
  deps.onClose(() => planner.stop());
  return planner;
}
