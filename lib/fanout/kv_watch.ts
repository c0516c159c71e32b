/**
 * `FANOUT=kv-watch`: the doorbell through KV itself. Events go to one of
 * {@link SHARDS} shards by topic; each shard has a head key
 * `["fanout",name,"head",shard]` holding its last sequence number and
 * short-lived event entries `["fanout",name,"ev",shard,seq]` (expire after a
 * minute); `name` (default `rt-messenger`) keeps apps sharing one KV apart.
 * Publishing appends a batch with one atomic (one check: the head). Readers
 * watch the heads with `kv.watch` (works in-process, with KV Connect/denokv
 * and on Deploy) and also poll them with `getMany` every `pollMs`, because a
 * local KV file's watch does not see other processes' writes.
 * @module
 */
import { retryLocked } from "../kv.ts";
import {
  type Fanout,
  type FanoutReceiver,
  OutageLog,
  type Wire,
} from "./types.ts";

/** Number of shards (head keys); `kv.watch` takes at most 10 keys. */
export const SHARDS = 8;
/** Event entries live this long (readers are expected within it). */
const EVENT_TTL_MS = 60_000;
/** Most events per atomic (≤ 1,000 mutations) and bytes per atomic (≤ 800 KiB). */
const MAX_BATCH = 200;
const MAX_BATCH_BYTES = 512 * 1024;
/** An event larger than this is not sent (KV values are ≤ 64 KiB); the log heals it. */
const MAX_EVENT_BYTES = 60 * 1024;

/** The shard of a topic (stable across processes). */
export function shardOf(topic: string): number {
  let h = 2166136261;
  for (let i = 0; i < topic.length; i++) {
    h = Math.imul(h ^ topic.charCodeAt(i), 16777619);
  }
  return (h >>> 0) % SHARDS;
}

/** Fanout through KV head keys. */
export class KvWatchFanout implements Fanout {
  readonly kind = "kv-watch";
  readonly #queues = new Map<number, { wires: string[]; bytes: number }>();
  readonly #last: number[] = new Array(SHARDS).fill(-1);
  readonly #log = new OutageLog("kv-watch");
  #flushing?: Promise<void>;
  #reading: Promise<void> = Promise.resolve();
  #receiver?: FanoutReceiver;
  #timer?: ReturnType<typeof setInterval>;
  #stream?: ReadableStream<Deno.KvEntryMaybe<unknown>[]>;
  #closed = false;

  constructor(
    readonly kv: Deno.Kv,
    readonly pollMs = 100,
    readonly name = "rt-messenger",
  ) {}

  #headKey(shard: number): Deno.KvKey {
    return ["fanout", this.name, "head", shard];
  }

  #evKey(shard: number, seq: number): Deno.KvKey {
    return ["fanout", this.name, "ev", shard, seq];
  }

  /** Reads the heads, then watches and polls them. */
  start(receiver: FanoutReceiver): void {
    this.#receiver = receiver;
    this.#read();
    this.#timer = setInterval(() => this.#read(), this.pollMs);
    this.#watch();
  }

  /** Queues `wire` for its shard; a batch is written per tick. */
  publish(wire: Wire): void {
    if (this.#closed) return;
    const text = JSON.stringify(wire);
    if (
      text.length * 3 > MAX_EVENT_BYTES &&
      new TextEncoder().encode(text).length > MAX_EVENT_BYTES
    ) return; // too big for one KV value: the log heals it
    const shard = shardOf(wire.topic);
    let q = this.#queues.get(shard);
    if (!q) this.#queues.set(shard, q = { wires: [], bytes: 0 });
    q.wires.push(text);
    q.bytes += text.length;
    this.#flushing ??= Promise.resolve().then(() => this.#flush());
  }

  /** Stops watching and polling (queued events are written first). */
  async close(): Promise<void> {
    await this.#flushing;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.#stream?.cancel().catch(() => {});
    await this.#reading;
  }

  async #flush(): Promise<void> {
    try {
      while (this.#queues.size > 0) {
        const [shard, q] = this.#queues.entries().next().value!;
        this.#queues.delete(shard);
        for (let i = 0; i < q.wires.length;) {
          let n = 0, bytes = 0;
          while (
            i + n < q.wires.length && n < MAX_BATCH &&
            bytes + q.wires[i + n].length <= MAX_BATCH_BYTES
          ) bytes += q.wires[i + n++].length;
          n = Math.max(n, 1);
          await this.#append(shard, q.wires.slice(i, i + n));
          i += n;
        }
      }
    } finally {
      this.#flushing = undefined;
      if (this.#queues.size > 0 && !this.#closed) {
        this.#flushing = this.#flush();
      }
    }
  }

  async #append(shard: number, wires: string[]): Promise<void> {
    try {
      for (let tries = 0; tries < 50; tries++) {
        const head = await retryLocked(() =>
          this.kv.get<number>(this.#headKey(shard))
        );
        const seq = head.value ?? 0;
        const op = this.kv.atomic().check(head).set(
          this.#headKey(shard),
          seq + wires.length,
        );
        wires.forEach((w, i) =>
          op.set(this.#evKey(shard, seq + 1 + i), w, { expireIn: EVENT_TTL_MS })
        );
        if ((await retryLocked(() => op.commit())).ok) return;
      }
    } catch (err) {
      this.#log.down(err);
    }
  }

  #watch(): void {
    try {
      this.#stream = this.kv.watch(
        Array.from({ length: SHARDS }, (_, s) => this.#headKey(s)),
      );
    } catch {
      return; // no watch here: polling alone
    }
    (async () => {
      try {
        for await (const _ of this.#stream!) this.#read();
      } catch (err) {
        if (!this.#closed) this.#log.down(err);
      }
    })();
  }

  /** Reads heads and new events, one read at a time, in order. */
  #read(): void {
    if (this.#closed) return;
    this.#reading = this.#reading.then(() => this.#readNow()).catch((err) => {
      if (this.#log.down(err)) this.#receiver?.resync();
    });
  }

  async #readNow(): Promise<void> {
    const heads = await this.kv.getMany<number[]>(
      Array.from({ length: SHARDS }, (_, s) => this.#headKey(s)),
    );
    if (this.#log.up()) this.#receiver?.resync();
    for (let s = 0; s < SHARDS; s++) {
      const head = heads[s].value ?? 0;
      const last = this.#last[s];
      this.#last[s] = head;
      if (last < 0 || head <= last) continue; // first read: start from now
      const iter = this.kv.list<string>({
        start: this.#evKey(s, last + 1),
        end: this.#evKey(s, head + 1),
      });
      for await (const e of iter) {
        if (this.#closed) return;
        try {
          this.#receiver?.receive(JSON.parse(e.value) as Wire);
        } catch { /* not ours */ }
      }
    }
  }
}
