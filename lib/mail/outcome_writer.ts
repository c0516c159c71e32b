/**
 * The sender's outcome log: outcomes of finished mails are grouped into few
 * ledger commits; each mail's slot is freed once its outcome is durable.
 * @module
 */
import { type Leased, type Outcome, recordOutcomes } from "./ledger.ts";

interface PendingOutcome {
  leased: Leased;
  outcome: Outcome;
  done: () => void;
}

/** Records outcomes in batches: one commit per batch waiting meanwhile. */
export class OutcomeWriter {
  readonly #kv: Deno.Kv;
  readonly #onRecorded: (campaignId: string) => void;
  #pending: PendingOutcome[] = [];
  #flushing?: Promise<void>;

  /** `onRecorded` runs per outcome after its batch is written (progress). */
  constructor(kv: Deno.Kv, onRecorded: (campaignId: string) => void) {
    this.#kv = kv;
    this.#onRecorded = onRecorded;
  }

  /** Queues an outcome; resolves once its batch is written (or failed, logged). */
  record(leased: Leased, outcome: Outcome): Promise<void> {
    return new Promise<void>((done) => {
      this.#pending.push({ leased, outcome, done });
      this.#flush();
    });
  }

  /** Waits for the running flush and one started while waiting. */
  async settle(): Promise<void> {
    await this.#flushing;
    await this.#flushing;
  }

  #flush(): void {
    if (this.#flushing) return;
    this.#flushing = (async () => {
      while (this.#pending.length) {
        const batch = this.#pending;
        this.#pending = [];
        try {
          await recordOutcomes(this.#kv, batch);
        } catch (err) {
          console.error("mail sender: recording outcomes failed", err);
        }
        for (const b of batch) b.done();
        for (const b of batch) this.#onRecorded(b.leased.campaignId);
      }
    })().finally(() => {
      this.#flushing = undefined;
    });
  }
}
