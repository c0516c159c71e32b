/**
 * One group-commit batch: reads the room counters and the cids as of one
 * moment, and the guards, and writes the new messages (with their index hooks and read marks)
 * in one atomic operation checked on the counters; retries on conflict.
 * Duplicate cids answer the stored message.
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
import { readGuards } from "./group_commit_guards.ts";
import type {
  CommitGuard,
  CommitHook,
  SendInput,
  SendResult,
} from "./group_commit_types.ts";
import type { Message } from "./protocol.ts";

/** What a batch commit needs from the committer. */
export interface BatchContext {
  kv: Deno.Kv;
  hooks: CommitHook[];
  guards: CommitGuard[];
  /** Commit attempts before a batch fails. */
  maxTries: number;
  /** Called right after a commit succeeded, with its number of new messages. */
  committed: (messages: number) => void;
}

type CidEntry = Deno.KvEntryMaybe<{ id: string; seq: number }>;

/**
 * The batch's room counters and its sends' cids, as of one moment: a cid
 * committed elsewhere before that moment is seen; one committed after
 * changed a counter, so the batch's check on the counters fails. Up to 10
 * keys (a typical batch) are one `getMany`, one snapshot and one round
 * trip; more are read counters first, then cids.
 */
async function readCountersAndCids(
  kv: Deno.Kv,
  rooms: string[],
  inputs: SendInput[],
): Promise<[Deno.KvEntryMaybe<number>[], CidEntry[]]> {
  const seqKeys = rooms.map(seqKey);
  const cidKeys = inputs.map((i) => cidKey(i.room, i.author, i.cid));
  if (seqKeys.length + cidKeys.length <= 10) {
    const all = await retryLocked(() =>
      kv.getMany<unknown[]>([...seqKeys, ...cidKeys])
    );
    return [
      all.slice(0, seqKeys.length) as Deno.KvEntryMaybe<number>[],
      all.slice(seqKeys.length) as CidEntry[],
    ];
  }
  const seqs = await retryLocked(() => getManyChunked<number>(kv, seqKeys));
  const cids = await retryLocked(() =>
    getManyChunked<{ id: string; seq: number }>(kv, cidKeys)
  );
  return [seqs, cids];
}

/**
 * Commits `inputs` as one batch; the results are in input order (a guard's
 * refusal as `{refused}`).
 */
export async function commitBatch(
  ctx: BatchContext,
  inputs: SendInput[],
): Promise<(SendResult | { refused: unknown })[]> {
  const kv = ctx.kv;
  const rooms = [...new Set(inputs.map((i) => i.room))];
  for (let attempt = 1;; attempt++) {
    const [[seqs, cids], refused] = await Promise.all([
      readCountersAndCids(kv, rooms, inputs),
      retryLocked(() => readGuards(kv, ctx.guards, inputs)),
    ]);
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
      for (const h of ctx.hooks) h.write(op, message, input);
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
    if (fresh.size === 0) return await fillDuplicates(kv, results);
    const res = await retryLocked(() => op.commit());
    if (res.ok) {
      ctx.committed(fresh.size);
      return await fillDuplicates(kv, results);
    }
    if (attempt >= ctx.maxTries) {
      throw new Error("chat log kept conflicting; try again");
    }
    await new Promise((r) => setTimeout(r, Math.random() * 2 * attempt));
  }
}

/** Replaces placeholder duplicates (id and seq only) by the stored message. */
async function fillDuplicates<R extends SendResult | { refused: unknown }>(
  kv: Deno.Kv,
  results: R[],
): Promise<R[]> {
  const partial = results.filter((r): r is R & SendResult =>
    "message" in r && r.duplicate && !r.message.author
  );
  if (partial.length === 0) return results;
  const stored = await getManyChunked<Message>(
    kv,
    partial.map((r) => msgKey(r.message.room, r.message.seq)),
  );
  partial.forEach((r, i) => {
    if (stored[i].value) r.message = stored[i].value;
  });
  return results;
}
