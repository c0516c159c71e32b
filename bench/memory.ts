/**
 * Memory per idle authenticated chat WebSocket, side by side in one run:
 *
 * - ours: the real server (`deno run main.ts --dev` as its own process, a
 *   fresh KV file, open sign-up, caps lifted), U users holding N sockets in
 *   all, every one signed in (session cookie) and subscribed to one room;
 * - raw Deno: a minimal `Deno.serve` WebSocket broadcast server
 *   (bench/_raw_ws_server.ts), N sockets subscribed to one room;
 * - Socket.IO 4 on Node (bench/node/memory_socketio_server.mjs), N sockets
 *   authenticated with a token and joined to one room (websocket transport).
 *
 * Each server runs with its inspector on, so that the benchmark can force a
 * full GC (`HeapProfiler.collectGarbage`) before reading memory; RSS comes
 * from `/proc/<pid>/status` (VmRSS), the JS heap from `Runtime.getHeapUsage`.
 * Per socket = (after − before) / N, both read after GC and a settling pause.
 *
 * `deno run -A bench/memory.ts [--sockets=2000] [--users=20] [--snapshot=ours.heapsnapshot]`
 *
 * `BENCH_MEMORY_ENV` (JSON) adds environment variables for our server, e.g.
 * `{"DENO_DEPLOYMENT_ID":"x"}` serves with `Deno.serve` instead of the guarded
 * accept loop (lib/web/connection_limits.ts), to compare the two.
 *
 * With `--snapshot=PATH` heap snapshots of our server are written to
 * PATH.before (no sockets) and PATH (sockets open), and the growth per socket
 * is printed by object group (bench/_heap_summary.ts).
 * @module
 */
import { Client } from "../tests/helpers/client.ts";
import { freePort } from "../tests/helpers/redis.ts";
import { descriptorLimit } from "../lib/web/connection_limits.ts";
import { groups, growth } from "./_heap_summary.ts";

const arg = (name: string, fallback: string) => {
  const a = Deno.args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : fallback;
};
let SOCKETS = Number(arg("sockets", "2000"));
const USERS = Number(arg("users", "20"));
const SNAPSHOT = arg("snapshot", "");
const ONLY = arg("only", ""); // ours | raw | socketio (debugging)
const SETTLE_MS = 1500;
const root = new URL("..", import.meta.url).pathname;
const here = new URL(".", import.meta.url).pathname;

/** A server process with its inspector. */
interface Proc {
  child: Deno.ChildProcess;
  port: number;
  cdp: Cdp;
  stop(): Promise<void>;
}

/** A minimal Chrome DevTools protocol client. */
class Cdp {
  #id = 0;
  #waiting = new Map<
    number,
    (r: { result?: unknown; error?: unknown }) => void
  >();
  #events = new Map<string, (params: Record<string, unknown>) => void>();
  private constructor(readonly ws: WebSocket) {
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data);
      if (m.id !== undefined) this.#waiting.get(m.id)?.(m);
      else this.#events.get(m.method)?.(m.params);
    };
  }
  static async open(port: number): Promise<Cdp> {
    for (let i = 0;; i++) {
      try {
        const list = await (await fetch(`http://127.0.0.1:${port}/json/list`))
          .json();
        const ws = new WebSocket(list[0].webSocketDebuggerUrl);
        await new Promise((ok, fail) => {
          ws.onopen = ok;
          ws.onerror = fail;
        });
        return new Cdp(ws);
      } catch (err) {
        if (i > 200) throw err;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
  on(method: string, fn: (params: Record<string, unknown>) => void): void {
    this.#events.set(method, fn);
  }
  async call<T = unknown>(method: string, params = {}): Promise<T> {
    const id = ++this.#id;
    const done = new Promise<{ result?: unknown; error?: unknown }>((r) =>
      this.#waiting.set(id, r)
    );
    this.ws.send(JSON.stringify({ id, method, params }));
    const m = await done;
    this.#waiting.delete(id);
    if (m.error) throw new Error(`${method}: ${JSON.stringify(m.error)}`);
    return m.result as T;
  }
  close(): void {
    this.ws.close();
  }
}

/** Starts a server that prints `{"port":…}` or answers `/healthz`. */
async function start(
  cmd: string,
  args: string[],
  inspectPort: number,
  env: Record<string, string> = {},
  healthPort?: number,
): Promise<Proc> {
  const child = new Deno.Command(cmd, {
    args,
    cwd: root,
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  let out = "";
  let err = "";
  const reading = Promise.all([
    (async () => {
      for await (const c of child.stdout.pipeThrough(new TextDecoderStream())) {
        out += c;
      }
    })(),
    (async () => {
      for await (const c of child.stderr.pipeThrough(new TextDecoderStream())) {
        err += c;
      }
    })(),
  ]);
  let port = healthPort ?? 0;
  for (let i = 0;; i++) {
    if (healthPort) {
      try {
        const res = await fetch(`http://127.0.0.1:${healthPort}/healthz`);
        await res.body?.cancel();
        if (res.ok) break;
      } catch { /* not yet */ }
    } else {
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) {
        port = Number(m[1]);
        break;
      }
    }
    if (i > 1500) throw new Error(`${cmd} ${args} did not start:\n${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  const cdp = await Cdp.open(inspectPort);
  return {
    child,
    port,
    cdp,
    async stop() {
      cdp.close();
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
      await child.status;
      await reading;
    },
  };
}

/** VmRSS of `pid` in bytes. */
function rss(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)![1]) * 1024;
}

/** Memory after a forced full GC and a settling pause (twice). */
async function settled(p: Proc): Promise<{ rss: number; heap: number }> {
  for (let i = 0; i < 2; i++) {
    await p.cdp.call("HeapProfiler.collectGarbage");
    await new Promise((r) => setTimeout(r, SETTLE_MS));
  }
  await p.cdp.call("HeapProfiler.collectGarbage");
  const h = await p.cdp.call<{ usedSize: number }>("Runtime.getHeapUsage");
  return { rss: rss(p.child.pid), heap: h.usedSize };
}

/** Opens `n` sockets with `open(i)`, `batch` at a time. */
async function openAll<T>(
  n: number,
  open: (i: number) => Promise<T>,
  batch = 50,
): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i += batch) {
    out.push(
      ...await Promise.all(
        Array.from({ length: Math.min(batch, n - i) }, (_, j) => open(i + j)),
      ),
    );
  }
  return out;
}

/** A WebSocket that resolves once `ready(frame)` holds for a text frame. */
function socket(
  url: string,
  init: { headers?: Record<string, string> },
  hello: string[],
  ready: (data: string, ws: WebSocket) => boolean,
): Promise<WebSocket> {
  const ws = new WebSocket(url, init as never);
  return new Promise((resolve, reject) => {
    ws.onopen = () => {
      for (const h of hello) ws.send(h);
    };
    ws.onmessage = (e) => {
      if (ready(String(e.data), ws)) {
        // Idle from now on; Socket.IO's pings ("2") still get their "3".
        ws.onmessage = (ev) => {
          if (ev.data === "2") ws.send("3");
        };
        resolve(ws);
      }
    };
    ws.onerror = () => reject(new Error(`cannot open ${url}`));
  });
}

interface Row {
  name: string;
  perSocketRss: number;
  perSocketHeap: number;
  baseRss: number;
}

async function measure(
  name: string,
  p: Proc,
  open: () => Promise<WebSocket[]>,
): Promise<Row> {
  const before = await settled(p);
  const snap = SNAPSHOT && name === "ours"
    ? groups(await snapshot(p, `${SNAPSHOT}.before`))
    : undefined;
  const t0 = performance.now();
  const sockets = await open();
  const opened = (performance.now() - t0) / 1000;
  // Without a forced GC first (what a plain RSS reading shows).
  await new Promise((r) => setTimeout(r, SETTLE_MS));
  const unsettled = rss(p.child.pid);
  const after = await settled(p);
  if (snap) {
    const grown = groups(await snapshot(p, SNAPSHOT));
    console.log(growth(snap, grown, sockets.length));
  }
  for (const ws of sockets) ws.close();
  const row = {
    name,
    perSocketRss: (after.rss - before.rss) / sockets.length,
    perSocketHeap: (after.heap - before.heap) / sockets.length,
    baseRss: before.rss,
  };
  console.log(
    `  ${name.padEnd(10)} ${sockets.length} sockets opened in ${
      opened.toFixed(1)
    } s; RSS ${mb(before.rss)} → ${mb(after.rss)} MB, JS heap ${
      mb(before.heap)
    } → ${mb(after.heap)} MB; per socket ${kb(row.perSocketRss)} KB RSS (${
      kb((unsettled - before.rss) / sockets.length)
    } KB before the forced GC), ${kb(row.perSocketHeap)} KB heap`,
  );
  return row;
}

/** Writes a heap snapshot of `p` to `path` and returns it parsed. */
async function snapshot(p: Proc, path: string) {
  const file = await Deno.open(path, {
    write: true,
    create: true,
    truncate: true,
  });
  const enc = new TextEncoder();
  const writes: Promise<unknown>[] = [];
  let chain = Promise.resolve();
  p.cdp.on("HeapProfiler.addHeapSnapshotChunk", (params) => {
    const bytes = enc.encode(params.chunk as string);
    chain = chain.then(async () => {
      let off = 0;
      while (off < bytes.length) off += await file.write(bytes.subarray(off));
    });
    writes.push(chain);
  });
  await p.cdp.call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
  await Promise.all(writes);
  file.close();
  console.log(`  heap snapshot written to ${path}`);
  return JSON.parse(await Deno.readTextFile(path));
}

const mb = (b: number) => (b / 1048576).toFixed(1);
const kb = (b: number) => (b / 1024).toFixed(1);

async function ours(): Promise<Row> {
  const dir = await Deno.makeTempDir({ prefix: "bench_memory_" });
  const port = freePort();
  const inspect = freePort();
  const url = `http://127.0.0.1:${port}`;
  const p = await start(
    Deno.execPath(),
    [
      "run",
      "-A",
      `--inspect=127.0.0.1:${inspect}`,
      "main.ts",
      "--dev",
    ],
    inspect,
    {
      PORT: String(port),
      APP_URL: url,
      KV_PATH: `${dir}/memory.kv`,
      SIGNUP_POLICY: "open",
      SIGNUPS_PER_IP_PER_HOUR: "100000",
      LOGIN_FAILURES_PER_IP: "100000",
      CHAT_MAX_SOCKETS_PER_USER: String(SOCKETS),
      MAX_CONNECTIONS: String(SOCKETS + 1000),
      MAX_CONNECTIONS_PER_IP: String(SOCKETS + 1000),
      CHAT_IDLE_TIMEOUT_MS: "600000",
      ...JSON.parse(Deno.env.get("BENCH_MEMORY_ENV") ?? "{}"),
    },
    port,
  );
  try {
    const users: Client[] = [];
    for (let i = 0; i < USERS; i++) {
      users.push(
        await new Client(url).signup(`mem${i}_${Date.now() % 1e6}`),
      );
    }
    const { body: room } = await users[0].json<{ id: string }>("/api/rooms", {
      json: { name: "memory", visibility: "public" },
    });
    for (const c of users.slice(1)) {
      const res = await c.fetch(`/api/rooms/${room.id}/join`, {
        method: "POST",
      });
      await res.body?.cancel();
    }
    const subscribe = JSON.stringify({ type: "subscribe", room: room.id });
    return await measure("ours", p, () =>
      openAll(SOCKETS, (i) =>
        socket(
          `${url.replace("http", "ws")}/api/ws`,
          {
            headers: {
              cookie: users[i % USERS].cookieHeader,
              origin: url,
            },
          },
          [subscribe],
          (d) => d.includes('"subscribed"'),
        )));
  } finally {
    await p.stop();
    await Deno.remove(dir, { recursive: true });
  }
}

async function raw(): Promise<Row> {
  const inspect = freePort();
  const p = await start(Deno.execPath(), [
    "run",
    "-A",
    `--inspect=127.0.0.1:${inspect}`,
    `${here}_raw_ws_server.ts`,
  ], inspect);
  try {
    const subscribe = JSON.stringify({ type: "subscribe", room: "memory" });
    return await measure("raw Deno", p, () =>
      openAll(SOCKETS, () =>
        socket(
          `ws://127.0.0.1:${p.port}/`,
          {},
          [subscribe],
          (d) => d.includes('"subscribed"'),
        )));
  } finally {
    await p.stop();
  }
}

/** Installs bench/node's packages (socket.io) on first run. */
async function nodePackages(): Promise<void> {
  try {
    await Deno.stat(`${here}node/node_modules/socket.io`);
    return;
  } catch { /* install */ }
  console.log("  installing bench/node packages (npm ci) …");
  const out = await new Deno.Command("npm", {
    args: ["ci", "--no-audit", "--no-fund"],
    cwd: `${here}node`,
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("npm ci in bench/node failed");
}

async function socketIo(): Promise<Row> {
  await nodePackages();
  const inspect = freePort();
  const p = await start("node", [
    `--inspect=127.0.0.1:${inspect}`,
    `${here}node/memory_socketio_server.mjs`,
  ], inspect);
  try {
    // Engine.IO 4 over a raw WebSocket: "40{auth}" connects to "/",
    // "420[event,room]" emits with ack id 0, "430[...]" is the ack.
    return await measure("Socket.IO", p, () =>
      openAll(SOCKETS, (i) =>
        socket(
          `ws://127.0.0.1:${p.port}/socket.io/?EIO=4&transport=websocket`,
          {},
          [],
          (d, ws) => {
            if (d.startsWith("0{")) {
              ws.send(`40${JSON.stringify({ token: `user${i % USERS}` })}`);
            } else if (d.startsWith("40")) {
              ws.send(`420${JSON.stringify(["subscribe", "memory"])}`);
            } else if (d === "2") ws.send("3");
            return d.startsWith("430");
          },
        )));
  } finally {
    await p.stop();
  }
}

// The clients live in this process and the sockets in the server's: both
// need a descriptor per socket. Under a low limit, fewer sockets (said so).
const fds = descriptorLimit() ?? Infinity;
if (SOCKETS + 256 > fds) {
  console.log(
    `  the descriptor limit is ${fds}: ${
      fds - 256
    } sockets instead of ${SOCKETS} ` +
      `(raise it with \`ulimit -n\` for the full run)`,
  );
  SOCKETS = Math.max(100, fds - 256);
}
console.log(
  `memory per idle authenticated socket: ${SOCKETS} sockets in one room, ${USERS} users (RSS after forced GC)`,
);
const rows: Row[] = [];
if (!ONLY || ONLY === "ours") rows.push(await ours());
if (!ONLY || ONLY === "raw") rows.push(await raw());
if (!ONLY || ONLY === "socketio") rows.push(await socketIo());
const row = (n: string) => rows.find((r) => r.name === n);
const o = row("ours"), r = row("raw Deno"), s = row("Socket.IO");
if (o && r) {
  console.log(
    `ROW memory per idle socket | ours ${
      kb(o.perSocketRss)
    } KB | reference raw Deno ${kb(r.perSocketRss)} KB${
      s ? `, Socket.IO 4 on Node ${kb(s.perSocketRss)} KB` : ""
    } | ratio ${
      (o.perSocketRss / r.perSocketRss).toFixed(2)
    } | target <= 25 KB`,
  );
}
