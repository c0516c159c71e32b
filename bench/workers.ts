/**
 * `WORKERS=1` versus `WORKERS=2`, side by side: the real server as a
 * separate process (`deno run main.ts --dev`) on a fresh KV file, driven
 * over HTTP and WebSocket from this process.
 *
 * 1. Durable writes: U users, each in their own room, each keeping WINDOW
 *    sends in flight; acks per second (every ack = a committed log entry).
 * 2. Fan-out: S senders and R receivers in one room; messages delivered to
 *    receivers per second.
 *
 * `deno run -A bench/workers.ts [--users=8] [--writes=300] [--receivers=40] [--senders=2] [--messages=200]`
 * @module
 */
import { Client } from "../tests/helpers/client.ts";
import { chatSocket } from "../tests/helpers/chat_ws.ts";
import { spawnApp } from "../tests/helpers/process.ts";

const arg = (name: string, fallback: number) => {
  const a = Deno.args.find((x) => x.startsWith(`--${name}=`));
  return a ? Number(a.split("=")[1]) : fallback;
};
const USERS = arg("users", 8);
const WRITES = arg("writes", 300); // per user
const WINDOW = arg("window", 16);
const RECEIVERS = arg("receivers", 40);
const SENDERS = arg("senders", 2);
const MESSAGES = arg("messages", 200); // per sender

async function users(url: string, n: number, tag: string): Promise<Client[]> {
  const out: Client[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await new Client(url).signup(`b${tag}${i}_${Date.now() % 1e6}`));
  }
  return out;
}

async function durableWrites(url: string): Promise<number> {
  const cs = await users(url, USERS, "w");
  const socks = await Promise.all(cs.map(async (c, i) => {
    const { body } = await c.json<{ id: string }>("/api/rooms", {
      json: { name: `w${i}`, visibility: "private" },
    });
    const ws = await chatSocket(c);
    return { ws, room: body.id };
  }));
  const t0 = performance.now();
  await Promise.all(socks.map(async ({ ws, room }, u) => {
    let next = 0;
    const lane = async () => {
      while (next < WRITES) {
        const i = next++;
        const f = await ws.sendMessage(room, `m${i}`, `u${u}m${i}`);
        if (f.type !== "ack") throw new Error(JSON.stringify(f));
      }
    };
    await Promise.all(Array.from({ length: WINDOW }, lane));
  }));
  const rate = (USERS * WRITES) / ((performance.now() - t0) / 1000);
  for (const s of socks) await s.ws.close();
  return rate;
}

async function fanout(url: string): Promise<number> {
  const [owner, ...rest] = await users(url, 1 + SENDERS, "f");
  const { body: room } = await owner.json<{ id: string }>("/api/rooms", {
    json: { name: "fan", visibility: "public" },
  });
  for (const c of rest) {
    await c.fetch(`/api/rooms/${room.id}/join`, { method: "POST" });
  }
  const senders = await Promise.all(
    [owner, ...rest].slice(0, SENDERS).map((c) => chatSocket(c)),
  );
  // Receivers: sockets of the same users (R sockets spread over workers).
  const receivers = await Promise.all(
    Array.from(
      { length: RECEIVERS },
      (_, i) => chatSocket(rest[i % rest.length]),
    ),
  );
  for (const s of [...senders, ...receivers]) await s.subscribe(room.id);
  const total = SENDERS * MESSAGES;
  let got = 0;
  const { promise: all, resolve } = Promise.withResolvers<void>();
  for (const r of receivers) {
    r.ws.addEventListener("message", (e) => {
      if ((e.data as string).includes('"type":"message"')) {
        if (++got === total * RECEIVERS) resolve();
      }
    });
  }
  const t0 = performance.now();
  await Promise.all(senders.map(async (s, si) => {
    for (let i = 0; i < MESSAGES; i += WINDOW) {
      const n = Math.min(WINDOW, MESSAGES - i);
      await Promise.all(
        Array.from(
          { length: n },
          (_, j) => s.sendMessage(room.id, `f${i + j}`, `s${si}f${i + j}`),
        ),
      );
    }
  }));
  await all;
  const rate = got / ((performance.now() - t0) / 1000);
  for (const s of [...senders, ...receivers]) await s.close();
  return rate;
}

const rows: { workers: number; writes: number; fanout: number }[] = [];
for (const workers of [1, 2]) {
  const dir = await Deno.makeTempDir({ prefix: "rt_bench_workers_" });
  const app = await spawnApp({
    KV_PATH: `${dir}/bench.kv`,
    WORKERS: String(workers),
    CHAT_SEND_BURST: "100000",
    CHAT_SEND_PER_SECOND: "100000",
  });
  try {
    const writes = await durableWrites(app.url);
    const fan = await fanout(app.url);
    rows.push({ workers, writes, fanout: fan });
  } finally {
    await app.stop();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
console.log(
  `cores: ${navigator.hardwareConcurrency}; users ${USERS} × ${WRITES} writes (window ${WINDOW}); fan-out ${SENDERS} senders × ${MESSAGES} → ${RECEIVERS} receivers`,
);
console.log("| WORKERS | durable writes (acks/s) | fan-out (deliveries/s) |");
console.log("| ------- | ----------------------- | ---------------------- |");
for (const r of rows) {
  console.log(
    `| ${r.workers} | ${r.writes.toFixed(0)} | ${r.fanout.toFixed(0)} |`,
  );
}
const [one, two] = rows;
console.log(
  `| ratio 2/1 | ${(two.writes / one.writes).toFixed(2)} | ${
    (two.fanout / one.fanout).toFixed(2)
  } |`,
);
