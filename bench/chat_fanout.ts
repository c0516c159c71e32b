/**
 * Chat fan-out benchmark, side by side in one run: R receiver sockets and S
 * sender sockets in one room, the same client code (bench/_chat_clients.ts,
 * in worker threads) against three servers:
 *
 * - ours: the real server (session, membership, durable group-committed
 *   log with search index, ack, hub) on a KV file;
 * - raw Deno: a `Deno.serve` WebSocket server that parses each frame and
 *   re-broadcasts it to every socket of the room (no storage, no checks);
 * - Socket.IO 4 on Node (bench/node/socketio_server.mjs, same broadcast,
 *   WebSocket transport; installed with npm into bench/node on first run).
 *
 * Loads are open loop: the senders together offer M messages/s for a few
 * seconds, so R+S deliveries per message are offered. Row 1: at 40 msg/s
 * (40k deliveries/s with 1,000 sockets): delivered/s and p50/p99 from send
 * to receipt. Row 2: throughput at equal p99: the highest offered load in a
 * sweep that each server delivers completely with p99 within the budget.
 *
 * `deno run -A bench/chat_fanout.ts [--receivers=1000] [--senders=4]
 *  [--rate=40] [--sweep=40,80,160,240,320] [--p99=50] [--seconds=4] [--workers=2]`
 * @module
 */
import { Client } from "../tests/helpers/client.ts";
import { startChatBenchServer } from "./_chat_server.ts";
import { serveRawBroadcast } from "./_raw_broadcast.ts";
import { mergeLatencies, pct } from "./_latencies.ts";

const args = new Map(
  Deno.args.filter((a) => a.startsWith("--")).map((a) => {
    const [k, v = ""] = a.slice(2).split("=");
    return [k, v];
  }),
);
const num = (name: string, fallback: number) =>
  args.has(name) ? Number(args.get(name)) : fallback;
const RECEIVERS = num("receivers", 1000);
const SENDERS = num("senders", 4);
const RATE = num("rate", 40);
const SWEEP = (args.get("sweep") ?? "40,80,160,240,320").split(",").map(
  Number,
);
const P99 = num("p99", 50);
const SECONDS = num("seconds", 4);
const WORKERS = num("workers", 2);
const SOCKETS = RECEIVERS + SENDERS;

interface Result {
  offered: number;
  sent: number;
  delivered: number;
  perSecond: number;
  p50: number;
  p99: number;
  complete: boolean;
}

/** Client sockets for one server, spread over WORKERS threads. */
class Load {
  readonly #workers: Worker[] = [];

  static async open(
    url: string,
    headers: Record<string, string>,
    room: string,
    protocol: "json" | "socketio",
  ): Promise<Load> {
    const load = new Load();
    const ready: Promise<unknown>[] = [];
    let senderBase = 0;
    for (let w = 0; w < WORKERS; w++) {
      const share = (n: number) =>
        Math.floor(n / WORKERS) + (w < n % WORKERS ? 1 : 0);
      const worker = new Worker(
        new URL("./_chat_clients.ts", import.meta.url),
        { type: "module" },
      );
      load.#workers.push(worker);
      ready.push(
        new Promise((resolve, reject) => {
          worker.onmessage = resolve;
          worker.onerror = (e) => {
            e.preventDefault();
            reject(new Error(e.message));
          };
        }),
      );
      worker.postMessage({
        type: "job",
        job: {
          url,
          headers,
          room,
          protocol,
          receivers: share(RECEIVERS),
          senders: share(SENDERS),
          senderBase,
          messages: 0,
          window: 0,
          expect: 0,
          rate: 0,
          seconds: 0,
        },
      });
      senderBase += share(SENDERS);
    }
    await Promise.all(ready);
    return load;
  }

  /** Offers `rate` messages/s for SECONDS; returns what arrived. */
  async run(rate: number): Promise<Result> {
    const sentBy = this.#workers.map((w) =>
      new Promise<number>((resolve) => {
        w.onmessage = (e) => {
          if (e.data.type === "sent") resolve(e.data.sent);
        };
      })
    );
    const senders = this.#workers.map((_, w) =>
      Math.floor(SENDERS / WORKERS) + (w < SENDERS % WORKERS ? 1 : 0)
    );
    this.#workers.forEach((w, i) =>
      w.postMessage({
        type: "go",
        rate: rate * senders[i] / SENDERS,
        seconds: SECONDS,
      })
    );
    const sent = (await Promise.all(sentBy)).reduce((a, b) => a + b, 0);
    const results = this.#workers.map((w) =>
      new Promise<
        {
          latencies: Float64Array;
          delivered: number;
          start: number;
          last: number;
        }
      >((resolve) => {
        w.onmessage = (e) => {
          if (e.data.type === "done") resolve(e.data);
        };
      })
    );
    for (const w of this.#workers) {
      w.postMessage({ type: "expect", total: sent });
    }
    const all = await Promise.all(results);
    const merged = mergeLatencies(all);
    const delivered = merged.length;
    // Deliveries over the time from the first send to the last receipt
    // (longer than the offer when the server falls behind).
    const span = (Math.max(...all.map((r) => r.last)) -
      Math.min(...all.map((r) => r.start))) / 1000;
    return {
      offered: rate * SOCKETS,
      sent,
      delivered,
      perSecond: delivered / Math.max(SECONDS, span),
      p50: pct(merged, 0.5),
      p99: pct(merged, 0.99),
      complete: delivered >= sent * SOCKETS,
    };
  }

  close(): void {
    for (const w of this.#workers) w.terminate();
  }
}

/** A server under test: where to connect and how to stop it. */
interface Peer {
  name: string;
  url: string;
  headers: Record<string, string>;
  room: string;
  protocol: "json" | "socketio";
  stop(): Promise<void>;
}

async function startOurs(dir: string): Promise<Peer> {
  const server = await startChatBenchServer(`${dir}/ours.kv`, {
    CHAT_MAX_SOCKETS_PER_USER: String(SOCKETS + 10),
    CHAT_BUFFER_BYTES: String(4 << 20),
  });
  const c = await new Client(server.url).signup("fanout_user");
  const { body: room } = await c.json<{ id: string }>("/api/rooms", {
    json: { name: "bench", visibility: "public" },
  });
  return {
    name: "RT Messenger (durable)",
    url: server.url.replace("http", "ws") + "/api/ws",
    headers: { cookie: c.cookieHeader, origin: server.url },
    room: room.id,
    protocol: "json",
    stop: () => server.close(),
  };
}

function startRaw(): Promise<Peer> {
  const ac = new AbortController();
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = serveRawBroadcast(resolve, ac.signal);
  return promise.then((addr) => ({
    name: "raw Deno.serve broadcast",
    url: `ws://127.0.0.1:${addr.port}/`,
    headers: {},
    room: "bench",
    protocol: "json",
    stop: async () => {
      ac.abort();
      await server.finished;
    },
  }));
}

const nodeDir = new URL("./node/", import.meta.url).pathname;

/** Installs bench/node's packages with npm when socket.io is missing. */
async function ensureNodePackages(): Promise<void> {
  try {
    await Deno.stat(`${nodeDir}node_modules/socket.io/package.json`);
    return;
  } catch { /* not installed yet */ }
  console.log("installing bench/node packages (npm ci)...");
  const out = await new Deno.Command("npm", {
    args: ["ci", "--no-audit", "--no-fund"],
    cwd: nodeDir,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("npm ci in bench/node failed");
}

async function startSocketIo(): Promise<Peer> {
  await ensureNodePackages();
  const child = new Deno.Command("node", {
    args: [`${nodeDir}socketio_server.mjs`],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream())
    .getReader();
  let buf = "";
  while (!buf.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("socket.io server exited");
    buf += value;
  }
  const { port } = JSON.parse(buf.split("\n")[0]);
  const version = new TextDecoder().decode(
    (await new Deno.Command("node", { args: ["--version"] }).output()).stdout,
  ).trim();
  return {
    name: `Socket.IO 4 on Node ${version}`,
    url: `ws://127.0.0.1:${port}/socket.io/?EIO=4&transport=websocket`,
    headers: {},
    room: "bench",
    protocol: "socketio",
    stop: async () => {
      child.kill("SIGTERM");
      reader.releaseLock();
      await child.stdout.cancel().catch(() => {});
      await child.status;
    },
  };
}

function show(name: string, r: Result): void {
  console.log(
    `  ${name.padEnd(30)} ${String(r.offered).padStart(9)} ${
      r.perSecond.toFixed(0).padStart(12)
    } ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)}  ${
      r.complete ? "all delivered" : `${r.delivered}/${r.sent * SOCKETS}`
    }`,
  );
}

/** Row 1 at RATE, then the sweep while p99 stays within budget. */
async function measure(
  peer: Peer,
): Promise<{ atRate: Result; best: Result | null; top: Result }> {
  const load = await Load.open(
    peer.url,
    peer.headers,
    peer.room,
    peer.protocol,
  );
  try {
    const atRate = await load.run(RATE);
    show(peer.name, atRate);
    let best: Result | null = null;
    // The most delivered per second at any load (the saturated figure when
    // no load met the budget).
    let top = atRate;
    const ok = (r: Result) => r.complete && r.p99 <= P99;
    if (ok(atRate)) best = atRate;
    for (const rate of SWEEP.filter((r) => r > RATE)) {
      const r = await load.run(rate);
      show(peer.name, r);
      if (r.perSecond > top.perSecond) top = r;
      if (!ok(r)) break;
      best = r;
    }
    return { atRate, best, top };
  } finally {
    load.close();
    await peer.stop();
  }
}

const dir = await Deno.makeTempDir({ prefix: "chat-fanout-" });
try {
  console.log(
    `fan-out: ${RECEIVERS} receivers + ${SENDERS} senders in one room, open loop ` +
      `${SECONDS} s per load, ${WORKERS} client workers; p99 budget ${P99} ms; Deno ${Deno.version.deno}`,
  );
  console.log(
    `  ${"server".padEnd(30)} ${"offered/s".padStart(9)} ${
      "delivered/s".padStart(12)
    } ${"p50 ms".padStart(8)} ${"p99 ms".padStart(8)}`,
  );
  const raw = await measure(await startRaw());
  const ours = await measure(await startOurs(dir));
  const sio = await measure(await startSocketIo());
  const f = (r: Result) =>
    `${r.perSecond.toFixed(0)} delivered/s, p99 ${r.p99.toFixed(1)} ms${
      r.complete ? "" : " (not all delivered)"
    }`;
  // Throughput with p99 within budget; when no load met it (an overloaded
  // machine), the most delivered per second, marked as saturated.
  type Measured = { best: Result | null; top: Result };
  const best = (m: Measured) =>
    m.best
      ? `${m.best.perSecond.toFixed(0)} delivered/s (p99 ${
        m.best.p99.toFixed(1)
      } ms)`
      : `none within budget, saturated at ${
        m.top.perSecond.toFixed(0)
      } delivered/s (p99 ${m.top.p99.toFixed(0)} ms)`;
  const rate = (m: Measured) => (m.best ?? m.top).perSecond;
  console.log(
    `ROW chat fan-out at ${
      RATE * SOCKETS
    } deliveries/s offered, ${SOCKETS} sockets in one room | ours ${
      f(ours.atRate)
    } | reference raw Deno ${f(raw.atRate)}; Socket.IO 4 ${
      f(sio.atRate)
    } | ratio ${
      (ours.atRate.perSecond / raw.atRate.perSecond).toFixed(2)
    }x raw | target >= 1.0x raw, p99 <= 50 ms`,
  );
  console.log(
    `ROW chat fan-out throughput at p99 <= ${P99} ms (highest load of ${
      SWEEP.join("/")
    } msg/s fully delivered), ${SOCKETS} sockets | ours ${
      best(ours)
    } | reference Socket.IO 4 ${best(sio)}; raw Deno ${best(raw)} | ratio ${
      (rate(ours) / rate(sio)).toFixed(2)
    }x Socket.IO${
      ours.best && sio.best ? "" : " (saturated)"
    } | target >= 2x Socket.IO`,
  );
} finally {
  await Deno.remove(dir, { recursive: true });
}
