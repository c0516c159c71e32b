/**
 * Durable chat writes, side by side in one run (issue 13):
 *
 * 1. Ours, end to end: the real server on a KV file; S senders, each its own
 *    user and socket, each sending to its own room (S rooms), WINDOW sends
 *    in flight per socket. A send counts when its `ack` arrives (the ack
 *    follows the durable commit). Prints acked msg/s and p50/p99 send→ack.
 * 2. Reference: one KV commit per message (the GroupCommitter limited to
 *    one message per atomic, with the same search and mention indexes), on a
 *    KV file, all sends queued at once.
 * 3. Reference: the raw KV batched ceiling for our key layout: the very
 *    keys and values our commits write (log, id index, cid, one search
 *    entry per distinct word, read marker, counter), in atomics of up to
 *    1,000 mutations shaped like ours (10 rooms, WINDOW messages each), with
 *    no reads, checks or sockets.
 *
 * `deno run -A bench/chat_writes.ts [--senders=50] [--window=8] [--messages=400] [--workers=1]`
 * (`--messages` is per sender; `--prof` keeps the server in this process so
 * that `deno run -A --cpu-prof bench/chat_writes.ts` profiles it.)
 * @module
 */
import { GroupCommitter } from "../lib/chat/group_commit.ts";
import { messageIndexHook } from "../lib/chat/message_indexes.ts";
import { cidKey, msgIdKey, msgKey, readKey, seqKey } from "../lib/chat/keys.ts";
import { newId } from "../lib/ids.ts";
import { indexedText, indexEntries } from "../lib/search/index_keys.ts";
import { Client } from "../tests/helpers/client.ts";
import { startChatBenchServer } from "./_chat_server.ts";
import { line } from "./_chat_text.ts";
import { mergeLatencies, pct } from "./_latencies.ts";

const arg = (name: string, fallback: number) => {
  const a = Deno.args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split("=")[1]) : fallback;
};
const SENDERS = arg("senders", 50);
const WINDOW = arg("window", 8);
const MESSAGES = arg("messages", 400);
const WORKERS = arg("workers", 1);
const SINGLES = arg("singles", 2000);

interface Ours {
  perSecond: number;
  p50: number;
  p99: number;
  errors: number;
  commits: number;
  messages: number;
}

async function benchOurs(dir: string): Promise<Ours> {
  const server = await startChatBenchServer(`${dir}/ours.kv`, {
    CHAT_MAX_SOCKETS_PER_USER: "1000",
  });
  try {
    const senders: { cookie: string; room: string }[] = [];
    for (let i = 0; i < SENDERS; i++) {
      const c = await new Client(server.url).signup(`writer_${i}`);
      const { body: room } = await c.json<{ id: string }>("/api/rooms", {
        json: { name: `room ${i}`, visibility: "private" },
      });
      senders.push({ cookie: c.cookieHeader, room: room.id });
    }
    const url = server.url.replace("http", "ws") + "/api/ws";
    const workers: Worker[] = [];
    const ready: Promise<unknown>[] = [];
    for (let w = 0; w < WORKERS; w++) {
      const worker = new Worker(
        new URL("./_chat_senders.ts", import.meta.url),
        { type: "module" },
      );
      workers.push(worker);
      const mine = senders.map((s, i) => ({ s, i })).filter(({ i }) =>
        i % WORKERS === w
      );
      ready.push(new Promise((resolve) => worker.onmessage = resolve));
      worker.postMessage({
        type: "job",
        job: {
          url,
          origin: server.url,
          senders: mine.map(({ s }) => s),
          base: w * 1_000_000,
          messages: MESSAGES,
          window: WINDOW,
        },
      });
    }
    await Promise.all(ready);
    const results = workers.map((worker) =>
      new Promise<
        { latencies: Float64Array; errors: number; firstError: string }
      >((resolve) => worker.onmessage = (e) => resolve(e.data))
    );
    const writer = (await import("../lib/chat/service.ts")).chatFor(
      server.app.deps,
    ).writer;
    const commits0 = writer.commits, messages0 = writer.messages;
    const start = performance.now();
    for (const worker of workers) worker.postMessage({ type: "go" });
    const all = await Promise.all(results);
    const seconds = (performance.now() - start) / 1000;
    for (const worker of workers) worker.terminate();
    const merged = mergeLatencies(all);
    const errors = all.reduce((a, r) => a + r.errors, 0);
    if (errors) {
      console.error(
        `${errors} sends failed, first: ${
          all.find((r) => r.firstError)?.firstError
        }`,
      );
    }
    return {
      perSecond: merged.length / seconds,
      p50: pct(merged, 0.5),
      p99: pct(merged, 0.99),
      errors,
      commits: writer.commits - commits0,
      messages: writer.messages - messages0,
    };
  } finally {
    await server.close();
  }
}

/** The GroupCommitter alone (with the indexes), all sends queued at once. */
async function benchCommitter(
  dir: string,
  name: string,
  maxMessages: number,
  count: number,
): Promise<{ perSecond: number; commits: number }> {
  const kv = await Deno.openKv(`${dir}/${name}.kv`);
  const w = new GroupCommitter(kv, { maxMessages, hooks: [messageIndexHook] });
  const start = performance.now();
  const sends = [];
  for (let i = 0; i < count; i++) {
    sends.push(w.send({
      room: `room${i % SENDERS}`,
      author: `writer_${i % SENDERS}`,
      text: line(i),
      cid: `c${i}`,
    }));
  }
  await Promise.all(sends);
  const seconds = (performance.now() - start) / 1000;
  await w.close();
  kv.close();
  return { perSecond: count / seconds, commits: w.commits };
}

/**
 * The raw KV ceiling for our key layout: the same keys and values our
 * commits write (log entry, id index, cid, one search entry per distinct
 * word, read marker and counter per room), `set` in atomics of up to 1,000
 * mutations with no reads and no checks. Returns messages/s and mutations
 * per message.
 */
async function benchRawLayout(
  dir: string,
  count: number,
): Promise<{ perSecond: number; perMessage: number }> {
  const kv = await Deno.openKv(`${dir}/raw.kv`);
  const createdAt = new Date().toISOString();
  const seqs = new Map<string, number>();
  let mutations = 0;
  const start = performance.now();
  let op = kv.atomic();
  let inOp = 0;
  let touched = new Set<string>();
  const flush = async () => {
    for (const room of touched) {
      op.set(seqKey(room), seqs.get(room)!);
      op.set(readKey(`writer_${room.slice(4)}`, room), seqs.get(room)!);
      mutations += 2;
    }
    await op.commit();
    op = kv.atomic();
    inOp = 0;
    touched = new Set();
  };
  // Same batch shape as the group commit under this load: 10 rooms per
  // atomic, WINDOW messages of each room, until the mutation budget.
  const roomsPerOp = Math.min(10, SENDERS);
  for (let i = 0; i < count; i++) {
    const slot = i % (roomsPerOp * WINDOW);
    const group = Math.floor(i / (roomsPerOp * WINDOW));
    const r = (group * roomsPerOp + Math.floor(slot / WINDOW)) % SENDERS;
    const room = `room${r}`;
    const author = `writer_${r}`;
    const text = line(i);
    const indexed = indexedText(text);
    const tokens = indexed.tokens;
    const roomsAfter = touched.size + (touched.has(room) ? 0 : 1);
    if (inOp + 3 + tokens.length + 2 * roomsAfter > 1000) await flush();
    const seq = (seqs.get(room) ?? 0) + 1;
    seqs.set(room, seq);
    touched.add(room);
    const id = newId();
    const cid = `c${i}`;
    const message = { id, room, seq, author, text, createdAt, cid };
    op.set(msgKey(room, seq), message)
      .set(msgIdKey(room, id), seq)
      .set(cidKey(room, author, cid), { id, seq });
    // The same index entries (keys and values) as the group commit writes.
    for (const [key, value] of indexEntries(message, indexed)) {
      op.set(key, value);
    }
    inOp += 3 + tokens.length;
    mutations += 3 + tokens.length;
  }
  await flush();
  const seconds = (performance.now() - start) / 1000;
  kv.close();
  return { perSecond: count / seconds, perMessage: mutations / count };
}

const dir = await Deno.makeTempDir({ prefix: "chat-writes-" });
try {
  console.log(
    `durable writes: ${SENDERS} senders over ${SENDERS} rooms, window ${WINDOW}, ` +
      `${MESSAGES} messages each, ${WORKERS} client worker(s); Deno ${Deno.version.deno}`,
  );
  const ours = await benchOurs(dir);
  const single = await benchCommitter(dir, "single", 1, SINGLES);
  const grouped = await benchCommitter(dir, "grouped", 200, 20_000);
  const raw = await benchRawLayout(dir, 20_000);
  console.log(
    `ours, end to end            ${ours.perSecond.toFixed(0).padStart(8)} ` +
      `acked msg/s  p50 ${ours.p50.toFixed(1)} ms  p99 ${
        ours.p99.toFixed(1)
      } ms  (${ours.commits} commits, ${
        (ours.messages / Math.max(1, ours.commits)).toFixed(1)
      } msg/commit, ${ours.errors} errors)`,
  );
  console.log(
    `group commit alone          ${
      grouped.perSecond.toFixed(0).padStart(8)
    } msg/s (${grouped.commits} commits)`,
  );
  console.log(
    `one commit per message      ${
      single.perSecond.toFixed(0).padStart(8)
    } msg/s (${single.commits} commits)`,
  );
  console.log(
    `raw KV, same keys, 1,000/atomic ${
      raw.perSecond.toFixed(0).padStart(4)
    } msg/s (${raw.perMessage.toFixed(1)} mutations per message, ${
      (raw.perSecond * raw.perMessage).toFixed(0)
    } sets/s)`,
  );
  console.log(
    `ROW durable chat writes (${SENDERS} senders, ${SENDERS} rooms, window ${WINDOW}) | ours ${
      ours.perSecond.toFixed(0)
    } acked msg/s, p99 ${
      ours.p99.toFixed(1)
    } ms | reference one commit per message ${
      single.perSecond.toFixed(0)
    } msg/s; raw KV batched ceiling ${raw.perSecond.toFixed(0)} msg/s | ratio ${
      (ours.perSecond / single.perSecond).toFixed(1)
    }x one-per-message, ${
      (ours.perSecond / raw.perSecond).toFixed(2)
    }x raw ceiling | target >= 10000 acked msg/s, p99 <= 100 ms`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
