/**
 * Test harness: a real `redis-server` (Debian's package) on a free port,
 * without persistence. `stop()`/`start()` simulate an outage and a restart
 * on the same port.
 * @module
 */

/** A running (or stopped) Redis server. */
export interface TestRedis {
  url: string;
  port: number;
  /** Starts it again on the same port (after {@link TestRedis.stop}). */
  start(): Promise<void>;
  /** Stops it (SIGTERM) and waits for the exit. */
  stop(): Promise<void>;
  /** Sends one command (RESP) on a new connection; returns the raw reply. */
  command(...args: string[]): Promise<string>;
}

/** A free TCP port on 127.0.0.1 (closed again before returning). */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** True when the `redis-server` binary is on PATH. */
export async function hasRedisServer(): Promise<boolean> {
  try {
    const out = await new Deno.Command("redis-server", {
      args: ["--version"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success;
  } catch {
    return false;
  }
}

async function waitForPort(port: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    try {
      const c = await Deno.connect({ hostname: "127.0.0.1", port });
      c.close();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  throw new Error(`redis-server did not listen on ${port}`);
}

/** Starts `redis-server` on a free port. */
export async function startRedis(): Promise<TestRedis> {
  const port = freePort();
  let child: Deno.ChildProcess | undefined;
  const start = async () => {
    child = new Deno.Command("redis-server", {
      args: [
        "--port",
        String(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
    await waitForPort(port);
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    start,
    async stop() {
      if (!child) return;
      const c = child;
      child = undefined;
      try {
        c.kill("SIGTERM");
      } catch { /* exited */ }
      await c.status;
    },
    async command(...args: string[]) {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      try {
        const enc = new TextEncoder();
        const parts = args.map((a) => `$${enc.encode(a).length}\r\n${a}\r\n`);
        await conn.write(enc.encode(`*${args.length}\r\n${parts.join("")}`));
        const buf = new Uint8Array(4096);
        const n = await conn.read(buf);
        return new TextDecoder().decode(buf.subarray(0, n ?? 0));
      } finally {
        conn.close();
      }
    },
  };
}
