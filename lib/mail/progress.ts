/**
 * Campaign progress events and retry timing, shared by the sender and routes.
 * @module
 */
import type { EventBus } from "../events.ts";
import { progressOf } from "./campaign_progress.ts";
import { finishIfComplete } from "./controls.ts";
import { type Campaign, type CampaignProgress, keys } from "./model.ts";

/** The progress event published on `user:<owner>`. */
export function progressEvent(p: CampaignProgress) {
  return {
    type: "campaign",
    campaign: {
      id: p.id,
      status: p.status,
      total: p.total,
      sent: p.sent,
      failed: p.failed,
      pending: p.pending,
      suppressed: p.suppressed,
      ...(p.retrying ? { retrying: p.retrying } : {}),
      ...(p.nextRetryAt ? { nextRetryAt: p.nextRetryAt } : {}),
    },
  };
}

/** Publishes a campaign's progress to its owner's topic. */
export function publishProgress(
  bus: EventBus | undefined,
  owner: string,
  p: CampaignProgress,
): void {
  bus?.publish(`user:${owner}`, progressEvent(p));
}

/** Delay before retry number `attempt` (1-based), capped at 15 minutes. */
export function backoffMs(base: number, attempt: number): number {
  return Math.min(base * 2 ** Math.max(0, attempt - 1), 15 * 60_000);
}

/**
 * Progress ticks per campaign: at most one per `progressMs`, off the send
 * path. A tick marks the campaign done when nothing is pending (calling
 * `onFinished`) and publishes its progress.
 */
export class ProgressTicker {
  readonly #last = new Map<string, number>();
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #running = new Set<Promise<void>>();
  #stopped = false;

  constructor(
    private readonly kv: Deno.Kv,
    private readonly bus: EventBus | undefined,
    private readonly progressMs: number,
    private readonly onFinished: (id: string) => void,
  ) {}

  /** Notes that a campaign's counters moved. */
  touch(id: string): void {
    if (this.#timers.has(id) || this.#stopped) return;
    const wait = Math.max(
      0,
      (this.#last.get(id) ?? 0) + this.progressMs - Date.now(),
    );
    this.#timers.set(
      id,
      setTimeout(() => {
        // Unmarked before the tick runs: outcomes recorded meanwhile schedule another.
        this.#timers.delete(id);
        const run = this.#tick(id).catch((err) =>
          console.error("mail progress failed", err)
        )
          .finally(() => this.#running.delete(run));
        this.#running.add(run);
      }, wait),
    );
  }

  /** Cancels scheduled ticks and waits for running ones. */
  async stop(): Promise<void> {
    this.#stopped = true;
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    await Promise.all(this.#running);
  }

  async #tick(id: string): Promise<void> {
    this.#last.set(id, Date.now());
    const campaign = (await this.kv.get<Campaign>(keys.campaign(id))).value;
    const finished = await finishIfComplete(this.kv, id);
    if (finished) {
      this.#last.delete(id);
      this.onFinished(id);
      if (campaign) publishProgress(this.bus, campaign.owner, finished);
    } else if (this.bus && campaign) {
      publishProgress(
        this.bus,
        campaign.owner,
        await progressOf(this.kv, campaign),
      );
    }
  }
}
