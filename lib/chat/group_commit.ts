/**
 * Group commit for chat sends: concurrent sends are gathered while one KV
 * commit is in flight and written together in the next atomic operation.
 *
 * Correctness across instances sharing one KV: every batch checks each
 * room's `chat_seq` counter versionstamp, so two writers never hand out the
 * same seq, and seqs stay gap-free. A failed check re-reads and retries.
 * The cid index is read after the counters; since every write to a room's
 * log also changes its counter, the counter check guards the cid too (a
 * cid written between the two reads fails the check; tested by holding one
 * instance's counter read while another commits the same cid).
 * A send's promise resolves only after its batch is committed (durable).
 * Guards (`CommitGuard` in group_commit_types.ts) re-read what authorises
 * each send (the sender's membership) in the batch's own read, after the
 * send was queued: a send queued after a removal committed is refused,
 * whatever the caller checked or cached before.
 * @module
 */
import { type BatchContext, commitBatch } from "./group_commit_batch.ts";
import {
  type BatchLimits,
  type Pending,
  pendingSend,
  takeBatch,
} from "./group_commit_sizing.ts";
import type {
  CommitHook,
  GroupCommitOptions,
  SendInput,
  SendResult,
} from "./group_commit_types.ts";

/** Gathers concurrent sends into shared KV atomic commits. */
export class GroupCommitter {
  readonly #limits: BatchLimits;
  readonly #batch: BatchContext;
  readonly #hooks: CommitHook[];
  #queue: Pending[] = [];
  #running: Promise<void> | null = null;
  #closed = false;
  /** Committed batches so far. */
  commits = 0;
  /** Committed new messages so far. */
  messages = 0;

  constructor(kv: Deno.Kv, options: GroupCommitOptions = {}) {
    this.#limits = {
      maxMessages: options.maxMessages ?? 200,
      maxRooms: options.maxRooms ?? 10,
      maxBytes: options.maxBytes ?? 700_000,
      maxKeyBytes: options.maxKeyBytes ?? 70_000,
    };
    this.#hooks = options.hooks ?? [];
    const onCommit = options.onCommit;
    this.#batch = {
      kv,
      hooks: this.#hooks,
      guards: options.guards ?? [],
      maxTries: options.maxTries ?? 50,
      committed: (n) => {
        this.commits++;
        this.messages += n;
        onCommit?.(n);
      },
    };
  }

  /** Number of sends waiting for a commit. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queues a send; resolves once it is durable (or was a duplicate cid). */
  send(input: SendInput): Promise<SendResult> {
    if (this.#closed) return Promise.reject(new Error("chat writer closed"));
    return new Promise((resolve, reject) => {
      this.#queue.push(pendingSend(input, this.#hooks, resolve, reject));
      if (!this.#running) this.#running = this.#drain();
    });
  }

  /** Waits for queued sends, then refuses new ones. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    try {
      while (this.#queue.length > 0) {
        const batch = this.#take();
        try {
          const results = await commitBatch(
            this.#batch,
            batch.map((p) => p.input),
          );
          batch.forEach((p, i) => {
            const r = results[i];
            if ("refused" in r) p.reject(r.refused);
            else p.resolve(r);
          });
        } catch (err) {
          for (const p of batch) p.reject(err);
        }
      }
    } finally {
      this.#running = null;
    }
  }

  /** Takes the next batch in FIFO order within the limits; keeps per-room order. */
  #take(): Pending[] {
    const { batch, rest } = takeBatch(this.#queue, this.#limits);
    this.#queue = rest;
    return batch;
  }
}
