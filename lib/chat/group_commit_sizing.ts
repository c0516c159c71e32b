/**
 * Batch sizing for the group commit: the upper bounds of what one send adds
 * to an atomic operation, and which queued sends fit into the next batch
 * within Deno KV's atomic limits.
 * @module
 */
import type {
  CommitHook,
  SendInput,
  SendResult,
} from "./group_commit_types.ts";

/** A queued send with the bounds of what it adds to an atomic. */
export interface Pending {
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

/** Limits of one batch (see `GroupCommitOptions`). */
export interface BatchLimits {
  maxMessages: number;
  maxRooms: number;
  maxBytes: number;
  maxKeyBytes: number;
}

const enc = new TextEncoder();

/** A queued send for `input`, with its size bounds (the hooks' costs included). */
export function pendingSend(
  input: SendInput,
  hooks: CommitHook[],
  resolve: (r: SendResult) => void,
  reject: (e: unknown) => void,
): Pending {
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
  for (const h of hooks) {
    const c = h.cost(input);
    extraMutations += c.mutations;
    keySize += c.keyBytes;
    size += 16 * c.mutations;
  }
  return {
    input,
    size,
    keySize,
    extraMutations,
    resolve,
    reject,
  };
}

/**
 * Takes the next batch from `queue` in FIFO order within the limits; keeps
 * per-room order. Returns the batch and the sends left waiting.
 */
export function takeBatch(
  queue: Pending[],
  limits: BatchLimits,
): { batch: Pending[]; rest: Pending[] } {
  const rooms = new Set<string>();
  const skipped = new Set<string>();
  const batch: Pending[] = [];
  const rest: Pending[] = [];
  let bytes = 0;
  let keyBytes = 0;
  let released = 0;
  for (const p of queue) {
    const room = p.input.room;
    const release = p.extraMutations;
    const fits = !skipped.has(room) &&
      batch.length < limits.maxMessages &&
      // Released keys and index entries are extra mutations, and every
      // room's counter is one more (KV allows 1,000 per atomic).
      4 * (batch.length + 1) + released + release + rooms.size +
            (rooms.has(room) ? 0 : 1) <= 1000 &&
      (batch.length === 0 ||
        (bytes + p.size <= limits.maxBytes &&
          keyBytes + p.keySize <= limits.maxKeyBytes)) &&
      (rooms.has(room) || rooms.size < limits.maxRooms);
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
  return { batch, rest };
}
