import { assert, assertEquals } from "./helpers/assert.ts";
import { Client } from "./helpers/client.ts";
import { withServer } from "./helpers/server.ts";
import { PROJECT_ROOT } from "../lib/app.ts";
import { deriveLimits } from "../lib/web/connection_limits.ts";
import { TOO_MANY_SOCKETS } from "../lib/chat/socket_cap.ts";
import { ensureBuild, freePort } from "./helpers/process.ts";

/** GET /healthz once; the status, or 0 when the request failed. */
async function health(base: string): Promise<number> {
  try {
    const res = await fetch(base + "/healthz", {
      signal: AbortSignal.timeout(5000),
    });
    await res.body?.cancel();
    return res.status;
  } catch {
    return 0;
  }
}

/** Polls /healthz until it answers 200 (bounded: a hang is a failure). */
async function waitHealthy(base: string, alive: () => boolean) {
  for (let i = 0; i < 300; i++) {
    assert(alive(), "the server process exited");
    if (await health(base) === 200) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("/healthz never answered 200");
}

Deno.test("connections: caps derive from the descriptor limit, and settings win", () => {
  const d = { maxConnections: 0, maxConnectionsPerIp: 0, httpIdleMs: 5000 };
  assertEquals(deriveLimits(d, 256), {
    maxConnections: 144,
    maxPerIp: 36,
    idleMs: 5000,
  });
  assertEquals(deriveLimits(d, 65536).maxPerIp, 256);
  assertEquals(
    deriveLimits({
      maxConnections: 50,
      maxConnectionsPerIp: 5,
      httpIdleMs: 1000,
    }, 256),
    { maxConnections: 50, maxPerIp: 5, idleMs: 1000 },
  );
});

Deno.test("chat ws: past CHAT_MAX_SOCKETS_PER_USER a new socket is closed with 4029 and a reason; closing one frees a slot", async () => {
  await withServer(async (s) => {
    const user = await new Client(s.url).signup();
    const open = () => {
      const ws = user.socket();
      const closed = new Promise<CloseEvent>((r) =>
        ws.addEventListener("close", (e) => r(e))
      );
      const opened = new Promise<void>((r) =>
        ws.addEventListener("open", () => r())
      );
      return { ws, closed, opened };
    };
    const first = [open(), open(), open()];
    await Promise.all(first.map((s) => s.opened));
    const extra = open();
    const ev = await extra.closed;
    assertEquals(ev.code, TOO_MANY_SOCKETS);
    assert(ev.reason.includes("Too many open chat connections"), ev.reason);
    first[0].ws.close();
    await first[0].closed;
    const again = open();
    await again.opened;
    // Still open after a ping round trip: admitted.
    again.ws.send(JSON.stringify({ type: "ping" }));
    await new Promise<void>((r) =>
      again.ws.addEventListener("message", () => r(), { once: true })
    );
    assertEquals(again.ws.readyState, WebSocket.OPEN);
    for (const s of [...first.slice(1), again]) {
      s.ws.close();
      await s.closed;
    }
  }, { env: { CHAT_MAX_SOCKETS_PER_USER: "3" } });
});

Deno.test({
  name:
    "connections: under `ulimit -n 256`, 600 idle TCP connections and 300 WebSockets of one user never end the server; idle ones are closed and /healthz answers",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await ensureBuild();
    const dir = await Deno.makeTempDir();
    const port = freePort();
    const base = `http://127.0.0.1:${port}`;
    const child = new Deno.Command("bash", {
      args: [
        "-c",
        `ulimit -n 256; exec deno run --allow-net --allow-env --allow-sys --allow-read --allow-write=${dir} main.ts`,
      ],
      cwd: PROJECT_ROOT,
      env: {
        KV_PATH: `${dir}/rt.kv`,
        PORT: String(port),
        SIGNUP_POLICY: "open",
        HTTP_IDLE_TIMEOUT_MS: "1500",
        APP_URL: base,
      },
      stdout: "null",
      stderr: "piped",
    }).spawn();
    let exited = false;
    child.status.then(() => exited = true);
    const conns: Deno.Conn[] = [];
    const sockets: WebSocket[] = [];
    try {
      await waitHealthy(base, () => !exited);
      const user = await new Client(base).signup();
      // An idle connection that never sends a request is closed by the server.
      const idle = await Deno.connect({ hostname: "127.0.0.1", port });
      assertEquals(await idle.read(new Uint8Array(16)), null);
      idle.close();
      // The flood: more connections than the process has descriptors.
      for (let i = 0; i < 600; i++) {
        try {
          conns.push(await Deno.connect({ hostname: "127.0.0.1", port }));
        } catch { /* refused is fine */ }
      }
      const codes: number[] = [];
      for (let i = 0; i < 300; i++) {
        const ws = user.socket();
        ws.onerror = () => {};
        ws.onclose = (e) => codes.push(e.code);
        sockets.push(ws);
      }
      await new Promise((r) => setTimeout(r, 2000));
      assert(!exited, "the server survived the flood");
      await waitHealthy(base, () => !exited);
      assert(!exited);
    } finally {
      for (const c of conns) {
        try {
          c.close();
        } catch { /* closed by the server */ }
      }
      for (const ws of sockets) ws.close();
      if (!exited) child.kill("SIGTERM");
      const err = new TextDecoder().decode(
        (await new Response(child.stderr).arrayBuffer()) as ArrayBuffer,
      );
      await child.status;
      await Deno.remove(dir, { recursive: true });
      assert(!/Too many open files|Uncaught/.test(err), err);
    }
  },
});
