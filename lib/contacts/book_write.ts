/**
 * One write to an address book: the contacts it creates, changes or
 * deletes, staged into a single KV atomic with every entry they own (record,
 * email and name keys, sort and group keys, search index shards), and the
 * atomic's size against KV's limits.
 * @module
 */
import type { Contact } from "./model.ts";
import { contactEntries, contactKey, contactTokens } from "./keys.ts";
import { AtomicSize } from "./kv_size.ts";
import {
  decodePiece,
  encodePartition,
  INDEX,
  type Partition,
  partOf,
  pieceKey,
  shardVersionKey,
} from "./search_index.ts";

/** A contact as stored: `_ix` names the index shard holding its tokens. */
export type StoredContact = Contact & { _ix?: string };

/** The contact without storage fields (what the API returns). */
export function publicContact(c: StoredContact): Contact {
  if (!("_ix" in c)) return c;
  const { _ix: _, ...rest } = c;
  return rest;
}

interface Change {
  before: StoredContact | null;
  after: StoredContact | null;
  /** Only the record and its tokens (the other keys are in place). */
  indexOnly?: boolean;
  /** Tokens of `after` when the caller computed them already. */
  tokens?: string[];
}

interface PartitionWrite {
  part: string;
  shard: string;
  fresh: boolean;
  remove: Array<[string, string]>;
  add: Array<[string, string]>;
}

/** Collects contact changes and stages them into one atomic. */
export class BookWrite {
  #changes: Change[] = [];
  #fresh = new Set<string>();

  constructor(readonly kv: Deno.Kv, readonly owner: string) {}

  /** Number of changes recorded. */
  get size(): number {
    return this.#changes.length;
  }

  /**
   * Records that `before` becomes `after` (either may be null). The tokens
   * of `after` go to `shard` when given (a new shard id that nobody else
   * writes: an import batch), else stay in `before`'s shard, else go to a
   * new shard named by the contact's id. Returns `after` as it is stored.
   * `tokens`, when given, are `contactTokens(after)` computed already.
   */
  change(
    before: StoredContact | null,
    after: Contact | null,
    shard?: string,
    tokens?: string[],
  ): StoredContact | null {
    let stored: StoredContact | null = null;
    if (after) {
      let ix = shard ?? before?._ix;
      if (!ix) this.#fresh.add(ix = after.id);
      if (shard) this.#fresh.add(shard);
      stored = { ...after, _ix: ix };
    }
    this.#changes.push({ before, after: stored, tokens });
    return stored;
  }

  /**
   * Indexes a contact stored without a shard (the layout before shards):
   * writes its record with `_ix` and its tokens into `shard`, a new id.
   */
  reindex(c: Contact, shard: string): void {
    this.#fresh.add(shard);
    this.#changes.push({
      before: null,
      after: { ...c, _ix: shard },
      indexOnly: true,
    });
  }

  /**
   * Adds every mutation to `op` (reading index shards it changes). Each
   * shard written in place gets its version bumped; with `checkShards` the
   * atomic also checks those versions (one check per shard: use it for
   * one-contact writes, whose atomic does not check the book revision).
   */
  async stage(
    op: Deno.AtomicOperation,
    opts: { checkShards?: boolean } = {},
  ): Promise<AtomicSize> {
    const size = new AtomicSize();
    const parts = new Map<string, PartitionWrite>();
    const partition = (part: string, shard: string) => {
      const k = part + "\u0000" + shard;
      let p = parts.get(k);
      if (!p) {
        const fresh = this.#fresh.has(shard);
        parts.set(k, p = { part, shard, fresh, remove: [], add: [] });
      }
      return p;
    };
    for (const { before, after, indexOnly, tokens } of this.#changes) {
      if (indexOnly) {
        const key = contactKey(this.owner, after!.id);
        op.set(key, after);
        size.set(key, after);
      } else this.#stageEntries(op, size, before, after);
      const oldTokens = before?._ix ? contactTokens(before) : [];
      const newTokens = after ? tokens ?? contactTokens(after) : [];
      if (
        before?._ix && after && before._ix === after._ix &&
        oldTokens.join(" ") === newTokens.join(" ")
      ) continue;
      if (before?._ix) {
        for (const t of oldTokens) {
          partition(partOf(t), before._ix).remove.push([t, before.id]);
        }
      }
      if (after) {
        for (const t of newTokens) {
          partition(partOf(t), after._ix!).add.push([t, after.id]);
        }
      }
    }
    const shards = new Set(
      [...parts.values()].filter((p) => !p.fresh).map((p) => p.shard),
    );
    // A shard named by its contact's id holds only that contact: when the
    // contact leaves it, the shard's version goes too.
    const emptied = new Set(
      this.#changes.flatMap(({ before, after }) =>
        before && before._ix === before.id && after?._ix !== before._ix
          ? [before.id]
          : []
      ),
    );
    await Promise.all([
      ...[...parts.values()].map((p) => this.#stagePartition(op, size, p)),
      ...[...shards].map(async (shard) => {
        const entry = await this.kv.get<number>(
          shardVersionKey(this.owner, shard),
        );
        if (opts.checkShards) {
          op.check(entry);
          size.key(entry.key, false);
        }
        if (emptied.has(shard)) {
          op.delete(entry.key);
          size.key(entry.key);
        } else {
          op.set(entry.key, (entry.value ?? 0) + 1);
          size.set(entry.key, 0);
        }
      }),
    ]);
    return size;
  }

  #stageEntries(
    op: Deno.AtomicOperation,
    size: AtomicSize,
    before: StoredContact | null,
    after: StoredContact | null,
  ) {
    const next = after ? contactEntries(this.owner, after) : [];
    if (before) {
      const nextIds = new Set(next.map((e) => JSON.stringify(e.key)));
      for (const e of contactEntries(this.owner, before)) {
        // The namekey is only a pointer: a later contact may own it now.
        if (e.key[0] === "contact_namekey") continue;
        if (!nextIds.has(JSON.stringify(e.key))) {
          op.delete(e.key);
          size.key(e.key);
        }
      }
    }
    for (const e of next) {
      op.set(e.key, e.value);
      size.set(e.key, e.value);
    }
  }

  async #stagePartition(
    op: Deno.AtomicOperation,
    size: AtomicSize,
    w: PartitionWrite,
  ) {
    const p: Partition = new Map();
    let oldPieces = 0;
    if (!w.fresh) {
      const prefix = [INDEX, this.owner, w.part, w.shard];
      for await (const e of this.kv.list<string>({ prefix })) {
        decodePiece(e.value, p);
        oldPieces++;
      }
    }
    for (const [t, id] of w.remove) p.get(t)?.delete(id);
    for (const [t, id] of w.add) {
      let ids = p.get(t);
      if (!ids) p.set(t, ids = new Set());
      ids.add(id);
    }
    const pieces = encodePartition(p);
    pieces.forEach((text, n) => {
      const key = pieceKey(this.owner, w.part, w.shard, n);
      op.set(key, text);
      size.set(key, text);
    });
    for (let n = pieces.length; n < oldPieces; n++) {
      const key = pieceKey(this.owner, w.part, w.shard, n);
      op.delete(key);
      size.key(key);
    }
  }
}
