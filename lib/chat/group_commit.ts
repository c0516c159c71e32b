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
 * Guards ({@link CommitGuard}) re-read what authorises each send (the
 * sender's membership) in the batch's own read, after the send was queued:
 * a send queued after a removal committed is refused, whatever the caller
 * checked or cached before.
 * @module
 */
import { newId } from "../ids.ts";
import { retryLocked } from "../kv.ts";
import {
  cidKey,
  getManyChunked,
  msgIdKey,
  msgKey,
  readKey,
  seqKey,
} from "./keys.ts";
import type { FileRef, Message, ReplyRef } from "./protocol.ts";

/** One send, already validated and authorised by the caller. */
export interface SendInput {
  room: string;
  author: string;
  /** Validated, trimmed text. */
  text: string;
  cid: string;
  /** A checked reply pointer (same room). */
  replyTo?: ReplyRef;
  /** Checked files of this room, uploaded by the author. */
  files?: FileRef[];
  /** Keys deleted in the same commit (the files' pending-upload markers). */
  release?: Deno.KvKey[];
  /** Resolved mentions, stored with the message when given. */
  mentions?: string[];
  mentionsRoom?: boolean;
}

/**
 * Extra writes for every new message, made in the same atomic operation
 * (the search index, the mention index). `cost` bounds what `write` adds.
 */
export interface CommitHook {
  cost(input: SendInput): { mutations: number; keyBytes: number };
  write(op: Deno.AtomicOperation, message: Message, input: SendInput): void;
}

/**
 * A condition each send must still meet when its batch is read. `keys`
 * names what to read for an input (shared keys are read once per batch);
 * `check` throws to refuse that send alone (the rest of the batch goes on).
 */
export interface CommitGuard {
  keys(input: SendInput): Deno.KvKey[];
  check(input: SendInput, entries: Deno.KvEntryMaybe<unknown>[]): void;
}

/** Result of a send: the stored message, and whether the cid was seen before. */
export interface SendResult {
  message: Message;
  duplicate: boolean;
}

/** Limits for one batch; defaults stay inside Deno KV's atomic limits. */
export interface GroupCommitOptions {
  /** Most messages per atomic (4 mutations each, + 1 per room; KV allows 1,000). */
  maxMessages?: number;
  /** Most distinct rooms per atomic (one check each; remote KV allows 10). */
  maxRooms?: number;
  /** Budget for the summed size of values, in bytes (KV allows 800 KiB). */
  maxBytes?: number;
  /** Budget for the summed size of keys, in bytes (KV allows 80 KiB). */
  maxKeyBytes?: number;
  /** Commit attempts before a batch fails. */
  maxTries?: number;
  /** Extra writes per new message (indexes), in the same atomic. */
  hooks?: CommitHook[];
  /** Conditions re-read for every send in its batch (authorisation). */
  guards?: CommitGuard[];
  /** Called after every committed batch (for metrics and tests). */
  onCommit?: (messages: number) => void;
}

interface Pending {
  input: SendInput;
  /** Upper bound of the bytes this send adds to the atomic's values. */
  size: number;
  /** Upper bound of the bytes this send adds to the atomic's keys. */
  keySize: number;
  /** Mutations this send adds beyond the 4 of every message (released keys, hooks). */
  extraMutations: number;
  resolve: (r: SendResult) => void;
  reject: (e: unknown) => void;
}

const enc = new TextEncoder();

/** Gathers concurrent sends into shared KV atomic commits. */
export class GroupCommitter {
  readonly #kv: Deno.Kv;
  readonly #maxMessages: number;
  readonly #maxRooms: number;
  readonly #maxBytes: number;
  readonly #maxKeyBytes: number;
  readonly #maxTries: number;
  readonly #hooks: CommitHook[];
  readonly #guards: CommitGuard[];
  readonly #onCommit?: (n: number) => void;
  #queue: Pending[] = [];
  #running: Promise<void> | null = null;
  #closed = false;
  /** Committed batches so far. */
  commits = 0;
  /** Committed new messages so far. */
  messages = 0;

  constructor(kv: Deno.Kv, options: GroupCommitOptions = {}) {
    this.#kv = kv;
    this.#maxMessages = options.maxMessages ?? 200;
    this.#maxRooms = options.maxRooms ?? 10;
    this.#maxBytes = options.maxBytes ?? 700_000;
    this.#maxKeyBytes = options.maxKeyBytes ?? 70_000;
    this.#maxTries = options.maxTries ?? 50;
    this.#hooks = options.hooks ?? [];
    this.#guards = options.guards ?? [];
    this.#onCommit = options.onCommit;
  }

  /** Number of sends waiting for a commit. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Queues a send; resolves once it is durable (or was a duplicate cid). */
  send(input: SendInput): Promise<SendResult> {
    if (this.#closed) return Promise.reject(new Error("chat writer closed"));
    return new Promise((resolve, reject) => {
      const cid = enc.encode(input.cid).length;
      const author = enc.encode(input.author).length;
      const room = enc.encode(input.room).length;
      // Serialised message (text ≤ its UTF-8 size) + index values.
      const extra = input.files || input.replyTo
        ? enc.encode(JSON.stringify([input.files, input.replyTo])).length
        : 0;
      let size = enc.encode(input.text).length + 2 * cid + author +
        2 * room + 400 + extra + 40 * (input.mentions?.length ?? 0);
      // Keys of the 4 mutations (+ the room counter, counted per message).
      let keySize = 5 * room + 2 * author + cid + 160 +
        (input.release?.length ?? 0) * 120;
      let extraMutations = input.release?.length ?? 0;
      for (const h of this.#hooks) {
        const c = h.cost(input);
        extraMutations += c.mutations;
        keySize += c.keyBytes;
        size += 16 * c.mutations;
      }
      this.#queue.push({
        input,
        size,
        keySize,
        extraMutations,
        resolve,
        reject,
      });
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
          const results = await this.#commitBatch(batch.map((p) => p.input));
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
    const rooms = new Set<string>();
    const skipped = new Set<string>();
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    let bytes = 0;
    let keyBytes = 0;
    let released = 0;
    for (const p of this.#queue) {
      const room = p.input.room;
      const release = p.extraMutations;
      const fits = !skipped.has(room) &&
        batch.length < this.#maxMessages &&
        // Released keys and index entries are extra mutations, and every
        // room's counter is one more (KV allows 1,000 per atomic).
        4 * (batch.length + 1) + released + release + rooms.size +
              (rooms.has(room) ? 0 : 1) <= 1000 &&
        (batch.length === 0 ||
          (bytes + p.size <= this.#maxBytes &&
            keyBytes + p.keySize <= this.#maxKeyBytes)) &&
        (rooms.has(room) || rooms.size < this.#maxRooms);
      if (!fits) {
        // Once a room is skipped, its later sends wait too (keeps order).
        skipped.add(room);
        rest.push(p);
        continue;
      }
      rooms.add(room);
      batch.push(p);
      bytes += p.size;
      keyBytes += p.keySize;
      released += release;
    }
    this.#queue = rest;
    return batch;
  }

  /**
   * Reads the guards' keys for `inputs` (each distinct key once) and
   * returns the refused inputs by index, with their errors.
   */
  async #guard(inputs: SendInput[]): Promise<Map<number, unknown>> {
    const refused = new Map<number, unknown>();
    if (this.#guards.length === 0) return refused;
    const slots = new Map<string, number>();
    const keys: Deno.KvKey[] = [];
    const wanted = inputs.map((input) =>
      this.#guards.map((g) =>
        g.keys(input).map((key) => {
          const id = JSON.stringify(key);
          let slot = slots.get(id);
          if (slot === undefined) {
            slots.set(id, slot = keys.length);
            keys.push(key);
          }
          return slot;
        })
      )
    );
    const entries = await getManyChunked(this.#kv, keys);
    inputs.forEach((input, i) => {
      try {
        this.#guards.forEach((g, j) =>
          g.check(input, wanted[i][j].map((slot) => entries[slot]))
        );
      } catch (err) {
        refused.set(i, err);
      }
    });
    return refused;
  }

  async #commitBatch(
    inputs: SendInput[],
  ): Promise<(SendResult | { refused: unknown })[]> {
    const kv = this.#kv;
    const rooms = [...new Set(inputs.map((i) => i.room))];
    for (let attempt = 1;; attempt++) {
      // The counters first, then the cids and the guards (authorisation,
      // read after every send of the batch was queued). A cid committed
      // elsewhere before the counters were read is seen by the cid read; one
      // committed after changed a counter, so this batch's check fails.
      const seqs = await retryLocked(() =>
        getManyChunked<number>(kv, rooms.map(seqKey))
      );
      const [cids, refused] = await retryLocked(() =>
        Promise.all([
          getManyChunked<{ id: string; seq: number }>(
            kv,
            inputs.map((i) => cidKey(i.room, i.author, i.cid)),
          ),
          this.#guard(inputs),
        ])
      );
      const next = new Map<string, number>();
      rooms.forEach((r, i) => next.set(r, seqs[i].value ?? 0));
      const op = kv.atomic();
      seqs.forEach((e) => op.check(e));
      const results: (SendResult | { refused: unknown })[] = [];
      const fresh = new Map<string, SendResult>();
      const readMarks = new Map<string, [string, string, number]>();
      const now = new Date().toISOString();
      inputs.forEach((input, i) => {
        if (refused.has(i)) {
          results.push({ refused: refused.get(i) });
          return;
        }
        const ck = `${input.room}\0${input.author}\0${input.cid}`;
        const seen = cids[i].value;
        if (seen) {
          results.push({
            message: {
              id: seen.id,
              room: input.room,
              seq: seen.seq,
            } as Message,
            duplicate: true,
          });
          return;
        }
        const again = fresh.get(ck);
        if (again) {
          results.push({ message: again.message, duplicate: true });
          return;
        }
        const seq = next.get(input.room)! + 1;
        next.set(input.room, seq);
        const message: Message = {
          id: newId(),
          room: input.room,
          seq,
          author: input.author,
          text: input.text,
          createdAt: now,
          cid: input.cid,
        };
        if (input.replyTo) message.replyTo = input.replyTo;
        if (input.files?.length) message.files = input.files;
        if (input.mentions) {
          message.mentions = input.mentions;
          message.mentionsRoom = input.mentionsRoom ?? false;
        }
        for (const k of input.release ?? []) op.delete(k);
        op.set(msgKey(input.room, seq), message)
          .set(msgIdKey(input.room, message.id), seq)
          .set(cidKey(input.room, input.author, input.cid), {
            id: message.id,
            seq,
          });
        for (const h of this.#hooks) h.write(op, message, input);
        readMarks.set(`${input.author}\0${input.room}`, [
          input.author,
          input.room,
          seq,
        ]);
        const r = { message, duplicate: false };
        fresh.set(ck, r);
        results.push(r);
      });
      for (const [author, room, seq] of readMarks.values()) {
        op.set(readKey(author, room), seq);
      }
      rooms.forEach((r, i) => {
        const n = next.get(r)!;
        if (n !== (seqs[i].value ?? 0)) op.set(seqKey(r), n);
      });
      if (fresh.size === 0) return await this.#fillDuplicates(results);
      const res = await retryLocked(() => op.commit());
      if (res.ok) {
        this.commits++;
        this.messages += fresh.size;
        this.#onCommit?.(fresh.size);
        return await this.#fillDuplicates(results);
      }
      if (attempt >= this.#maxTries) {
        throw new Error("chat log kept conflicting; try again");
      }
      await new Promise((r) => setTimeout(r, Math.random() * 2 * attempt));
    }
  }

  /** Replaces placeholder duplicates (id and seq only) by the stored message. */
  async #fillDuplicates<R extends SendResult | { refused: unknown }>(
    results: R[],
  ): Promise<R[]> {
    const partial = results.filter((r): r is R & SendResult =>
      "message" in r && r.duplicate && !r.message.author
    );
    if (partial.length === 0) return results;
    const stored = await getManyChunked<Message>(
      this.#kv,
      partial.map((r) => msgKey(r.message.room, r.message.seq)),
    );
    partial.forEach((r, i) => {
      if (stored[i].value) r.message = stored[i].value;
    });
    return results;
  }
}
