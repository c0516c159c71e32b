/**
 * Who may send, checked twice without a KV read per send (issue 13):
 *
 * 1. Before queueing, {@link SendAccess.writable} answers from a small
 *    per-instance cache of rooms the user could write to (filled by a KV
 *    read on a miss; only positive answers are kept). It gives the room
 *    record (its immutable parts: creator, visibility, DM pair, for
 *    mentions and digests) and refuses early what it knows.
 * 2. In the group commit, {@link sendGuard} re-reads the room and the
 *    membership for every send of a batch (one read per distinct key,
 *    batched with the counters), after the send was queued. This is the
 *    authority: a send queued after a leave, removal or archive committed is
 *    refused, on every instance, even when the bus lost the event.
 *
 * The cache is invalidated through the bus (the hub forwards `left` and
 * `access_changed` on `user:<name>`, and a resync clears it) and entries
 * expire after `ttlMs`, so stale entries only cost a refused send later in
 * the pipeline, never an accepted one.
 * @module
 */
import type { CommitGuard, SendInput } from "./group_commit_types.ts";
import { memberKey, roomKey } from "./keys.ts";
import {
  memberOrThrow,
  refuseArchived,
  requireWritable,
  type StoredRoom,
} from "./room_access.ts";

/** Re-checks membership and read-only state for every send in its batch. */
export const sendGuard: CommitGuard = {
  keys: (input: SendInput) => [
    roomKey(input.room),
    memberKey(input.room, input.author),
  ],
  check(_input, [room, member]) {
    refuseArchived(
      memberOrThrow(room as Deno.KvEntryMaybe<StoredRoom>, member),
    );
  },
};

/** Options of {@link SendAccess}. */
export interface SendAccessOptions {
  /** How long a cached answer is used (default 10 s). */
  ttlMs?: number;
  /** Most cached (room, user) pairs (default 20,000; oldest go first). */
  maxEntries?: number;
}

/** The per-instance cache of writable rooms (see the module doc). */
export class SendAccess {
  readonly #kv: Deno.Kv;
  readonly #ttlMs: number;
  readonly #max: number;
  /** `room \0 user` → room record and when it was read. */
  readonly #entries = new Map<string, { room: StoredRoom; at: number }>();
  hits = 0;
  misses = 0;

  constructor(kv: Deno.Kv, options: SendAccessOptions = {}) {
    this.#kv = kv;
    this.#ttlMs = options.ttlMs ?? 10_000;
    this.#max = options.maxEntries ?? 20_000;
  }

  /** The room when `user` may write to it (cached), else the access error. */
  async writable(user: string, roomId: string): Promise<StoredRoom> {
    const id = `${roomId}\0${user}`;
    const hit = this.#entries.get(id);
    if (hit && Date.now() - hit.at < this.#ttlMs) {
      this.hits++;
      return hit.room;
    }
    this.misses++;
    this.#entries.delete(id);
    const room = await requireWritable(this.#kv, user, roomId);
    if (this.#entries.size >= this.#max) {
      // Oldest first (Map keeps insertion order).
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(id, { room, at: Date.now() });
    return room;
  }

  /** Forgets one (room, user) pair: the user left or was removed. */
  forget(roomId: string, user: string): void {
    this.#entries.delete(`${roomId}\0${user}`);
  }

  /** Forgets every room of `user` (their access changed somewhere). */
  forgetUser(user: string): void {
    const tail = `\0${user}`;
    for (const id of this.#entries.keys()) {
      if (id.endsWith(tail)) this.#entries.delete(id);
    }
  }

  /** Forgets a room for everyone (renamed, archived, settings changed). */
  forgetRoom(roomId: string): void {
    const head = `${roomId}\0`;
    for (const id of this.#entries.keys()) {
      if (id.startsWith(head)) this.#entries.delete(id);
    }
  }

  /** Forgets everything (events may have been lost). */
  clear(): void {
    this.#entries.clear();
  }

  /** Cached pairs (for tests and metrics). */
  get size(): number {
    return this.#entries.size;
  }
}
