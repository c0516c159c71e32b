/**
 * Chat fanout benchmark, side by side in one run:
 *
 * 1. Fanout: S sender sockets and R receiver sockets in one room. Our real
 *    server (session, membership, durable group-committed log, ack, hub)
 *    versus a raw `Deno.serve` WebSocket server that parses each frame and
 *    re-broadcasts it to every socket (no storage, no checks). Same clients,
 *    same load (each sender keeps WINDOW messages in flight, counted by the
 *    echo of its own messages). Prints delivered messages/s and p50/p99
 *    latency from send to receipt, with the ratio.
 * 2. Durable writes: the same GroupCommitter with batching versus one KV
 *    commit per message (batch size 1), on a KV file.
 *
 * `deno run -A bench/chat_fanout.ts [--senders=4] [--receivers=50] [--messages=2000]`
 * @module
 */
import { GroupCommitter } from "../lib/chat/group_commit.ts";
import { Client } from "../tests/helpers/client.ts";
import { startServer } from "../tests/helpers/server.ts";

const arg = (name: string, fallback: number) => {
  const a = Deno.args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split("=")[1]) : fallback;
};
const SENDERS = arg("senders", 4);
const RECEIVERS = arg("receivers", 50);
const MESSAGES = arg("messages", 2000); // per sender
const WINDOW = arg("window", 32);
const WRITES = arg("writes", 20000);
const WORKERS = arg("workers", 2);

interface Result {
  seconds: number;
  sent: number;
  delivered: number;
  p50: number;
  p99: number;
}

function pct(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}

/** Runs the load from WORKERS client threads against a server. */
async function runLoad(
  url: string,
  headers: Record<string, string>,
  room: string,
): Promise<Result> {
  const total = SENDERS * MESSAGES;
  const workers: Worker[] = [];
  const ready: Promise<unknown>[] = [];
  for (let w = 0; w < WORKERS; w++) {
    const worker = new Worker(
      new URL("./_chat_clients.ts", import.meta.url),
      { type: "module" },
    );
    workers.push(worker);
    const share = (n: number) =>
      Math.floor(n / WORKERS) + (w < n % WORKERS ? 1 : 0);
    const senderBase = Array.from(
      { length: w },
      (_, i) => Math.floor(SENDERS / WORKERS) + (i < SENDERS % WORKERS ? 1 : 0),
    )
      .reduce((a, b) => a + b, 0);
    ready.push(
      new Promise((resolve) => {
        worker.onmessage = resolve;
      }),
    );
    worker.postMessage({
      type: "job",
      job: {
        url,
        headers,
        room,
        receivers: share(RECEIVERS),
        senders: share(SENDERS),
        senderBase,
        messages: MESSAGES,
        window: WINDOW,
        expect: total,
      },
    });
  }
  await Promise.all(ready);
  const results = workers.map((worker) =>
    new Promise<Float64Array>((resolve) => {
      worker.onmessage = (e) => resolve(e.data.latencies);
    })
  );
  const start = performance.now();
  for (const worker of workers) worker.postMessage({ type: "go" });
  const all = await Promise.all(results);
  const seconds = (performance.now() - start) / 1000;
  for (const worker of workers) worker.terminate();
  const merged = new Float64Array(all.reduce((a, l) => a + l.length, 0));
  let off = 0;
  for (const l of all) {
    merged.set(l, off);
    off += l.length;
  }
  merged.sort();
  return {
    seconds,
    sent: total,
    delivered: merged.length,
    p50: pct(merged, 0.5),
    p99: pct(merged, 0.99),
  };
}

async function benchOurs(dir: string): Promise<Result> {
  const server = await startServer({
    kvPath: `${dir}/ours.kv`,
    env: {
      SIGNUP_POLICY: "open",
      CHAT_SEND_BURST: "100000000",
      CHAT_SEND_PER_SECOND: "100000000",
      CHAT_BUFFER_BYTES: String(64 << 20),
    },
  });
  try {
    const c = await new Client(server.url).signup("bench_user");
    const { body: room } = await c.json<{ id: string }>("/api/rooms", {
      json: { name: "bench", visibility: "public" },
    });
    return await runLoad(
      server.url.replace("http", "ws") + "/api/ws",
      { cookie: c.cookieHeader, origin: server.url },
      room.id,
    );
  } finally {
    await server.close();
  }
}

async function benchRaw(): Promise<Result> {
  const rooms = new Map<string, Set<WebSocket>>();
  let seq = 0;
  const ac = new AbortController();
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    signal: ac.signal,
    onListen: (a) => resolve(a as Deno.NetAddr),
  }, (req) => {
    const { socket, response } = Deno.upgradeWebSocket(req);
    const mine = new Set<string>();
    socket.onmessage = (e) => {
      const f = JSON.parse(e.data);
      if (f.type === "subscribe") {
        let set = rooms.get(f.room);
        if (!set) rooms.set(f.room, set = new Set());
        set.add(socket);
        mine.add(f.room);
        socket.send(JSON.stringify({ type: "subscribed", room: f.room, seq }));
      } else if (f.type === "send") {
        const text = JSON.stringify({
          type: "message",
          room: f.room,
          message: { seq: ++seq, text: f.text, cid: f.cid },
        });
        for (const s of rooms.get(f.room) ?? []) s.send(text);
      }
    };
    socket.onclose = () => {
      for (const r of mine) rooms.get(r)?.delete(socket);
    };
    return response;
  });
  const addr = await promise;
  try {
    return await runLoad(
      `ws://127.0.0.1:${addr.port}/`,
      {},
      "bench",
    );
  } finally {
    ac.abort();
    await server.finished;
  }
}

async function benchWrites(
  dir: string,
  name: string,
  maxMessages: number,
  count: number,
): Promise<{ perSecond: number; commits: number }> {
  const kv = await Deno.openKv(`${dir}/${name}.kv`);
  const w = new GroupCommitter(kv, { maxMessages });
  const start = performance.now();
  const sends = [];
  for (let i = 0; i < count; i++) {
    sends.push(w.send({
      room: `room${i % 8}`,
      author: "bench",
      text: `message number ${i} with some ordinary chat text in it`,
      cid: `c${i}`,
    }));
  }
  await Promise.all(sends);
  const seconds = (performance.now() - start) / 1000;
  await w.close();
  kv.close();
  return { perSecond: count / seconds, commits: w.commits };
}

const dir = await Deno.makeTempDir({ prefix: "chat-bench-" });
try {
  console.log(
    `fanout: ${SENDERS} senders × ${MESSAGES} messages, ${RECEIVERS} receivers` +
      ` (+ senders' echoes), window ${WINDOW}; Deno ${Deno.version.deno}`,
  );
  const raw = await benchRaw();
  const ours = await benchOurs(dir);
  const row = (name: string, r: Result) =>
    console.log(
      `${name.padEnd(28)} ${(r.sent / r.seconds).toFixed(0).padStart(9)} ` +
        `${(r.delivered / r.seconds).toFixed(0).padStart(12)} ` +
        `${r.p50.toFixed(2).padStart(9)} ${r.p99.toFixed(2).padStart(9)}`,
    );
  console.log(
    `${"server".padEnd(28)} ${"sent/s".padStart(9)} ${
      "delivered/s".padStart(12)
    } ${"p50 ms".padStart(9)} ${"p99 ms".padStart(9)}`,
  );
  row("raw Deno.serve broadcast", raw);
  row("RT Messenger (durable)", ours);
  console.log(
    `ratio ours/raw: throughput ${
      ((ours.delivered / ours.seconds) / (raw.delivered / raw.seconds))
        .toFixed(2)
    }×, p50 ${(ours.p50 / raw.p50).toFixed(2)}×, p99 ${
      (ours.p99 / raw.p99).toFixed(2)
    }×`,
  );

  console.log(
    `\ndurable writes over 8 rooms, KV file (${
      WRITES / 10
    } one by one, ${WRITES} grouped), all queued at once`,
  );
  const single = await benchWrites(dir, "single", 1, WRITES / 10);
  const group = await benchWrites(dir, "group", 200, WRITES);
  console.log(
    `one commit per message      ${
      single.perSecond.toFixed(0).padStart(9)
    } msg/s (${single.commits} commits)`,
  );
  console.log(
    `group commit                ${
      group.perSecond.toFixed(0).padStart(9)
    } msg/s (${group.commits} commits)`,
  );
  console.log(
    `ratio group/single: ${(group.perSecond / single.perSecond).toFixed(1)}×`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
