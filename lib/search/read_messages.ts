/**
 * Reads the messages of search candidates: runs of nearby seqs in one room
 * as one range read, the rest ten at a time with `getMany`, all at once.
 * A range returns its few extra messages too, which costs less than the
 * round trips it saves when candidates are dense (frequent words).
 * @module
 */
import { getManyChunked, msgKey } from "../chat/keys.ts";
import type { Message } from "../chat/protocol.ts";

/** Largest gap between two seqs read in the same range. */
const RUN_GAP = 4;
/** Fewest seqs worth a range read. */
const RUN_MIN = 3;

/** A message to read: room id and seq. */
export interface MessageRef {
  r: string;
  s: number;
}

/** The messages at `refs`, in the same order (undefined where none). */
export async function readMessages(
  kv: Deno.Kv,
  refs: MessageRef[],
): Promise<(Message | undefined)[]> {
  const found = new Map<string, Message>();
  const id = (r: string, s: number) => `${r}\u0000${s}`;
  const byRoom = new Map<string, number[]>();
  for (const { r, s } of refs) {
    const list = byRoom.get(r);
    if (list) list.push(s);
    else byRoom.set(r, [s]);
  }
  const singles: Deno.KvKey[] = [];
  const ranges: Promise<void>[] = [];
  for (const [room, seqs] of byRoom) {
    seqs.sort((a, b) => a - b);
    let from = 0;
    for (let i = 1; i <= seqs.length; i++) {
      if (i < seqs.length && seqs[i] - seqs[i - 1] <= RUN_GAP) continue;
      const run = seqs.slice(from, i);
      from = i;
      if (run.length < RUN_MIN) {
        for (const s of run) singles.push(msgKey(room, s));
        continue;
      }
      ranges.push((async () => {
        const iter = kv.list<Message>({
          start: msgKey(room, run[0]),
          end: msgKey(room, run.at(-1)! + 1),
        }, { batchSize: Math.min(500, run.at(-1)! - run[0] + 1) });
        for await (const e of iter) found.set(id(room, e.value.seq), e.value);
      })());
    }
  }
  const [entries] = await Promise.all([
    getManyChunked<Message>(kv, singles),
    ...ranges,
  ]);
  for (const e of entries) {
    if (e.value) found.set(id(e.value.room, e.value.seq), e.value);
  }
  return refs.map(({ r, s }) => found.get(id(r, s)));
}
