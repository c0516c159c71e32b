/**
 * Test harness: starts the real app on a random port with its own KV.
 * @module
 */
import { type App, createApp } from "../../lib/app.ts";
import { type Config, loadConfig } from "../../lib/config.ts";
import { openKv } from "../../lib/kv.ts";

/** A started server. */
export interface TestServer {
  /** Base URL, e.g. `http://127.0.0.1:43123`. */
  url: string;
  app: App;
  kv: Deno.Kv;
  config: Config;
  /** Stops the server, the app's services and (if it opened it) the KV. */
  close(): Promise<void>;
}

/** Options for {@link startServer}. */
export interface StartOptions {
  /** Extra environment (same names as the real env vars). */
  env?: Record<string, string>;
  /** Use this KV instead of a fresh `:memory:` one (not closed by `close`). */
  kv?: Deno.Kv;
  /** KV file path (opened and closed by the server). */
  kvPath?: string;
  /** BroadcastChannel name; defaults to a unique one per server (no cross-talk). */
  channelName?: string | null;
  /** Project folder with routes/, islands/, static/ (default: this repo). */
  root?: string;
}

/**
 * Starts the app on 127.0.0.1 with a random port. Generous sign-up limits
 * and `SIGNUP_POLICY=open` unless the test sets its own.
 */
export async function startServer(
  options: StartOptions = {},
): Promise<TestServer> {
  const config = loadConfig({
    KV_PATH: ":memory:",
    SIGNUPS_PER_IP_PER_HOUR: "100000",
    LOGIN_FAILURES_PER_IP: "100000",
    // Tests sign up freely; invitation tests set SIGNUP_POLICY=invite.
    SIGNUP_POLICY: "open",
    // No automatic #general room, so room lists hold only what a test made;
    // the accounts tests set GENERAL_ROOM=1.
    GENERAL_ROOM: "0",
    ROOM_CREATES_PER_HOUR: "100000",
    MEMBER_ADDS_PER_HOUR: "100000",
    ...options.env,
  });
  const ownKv = !options.kv;
  const kv = options.kv ?? await openKv(options.kvPath ?? ":memory:");
  const app = await createApp({
    config,
    kv,
    root: options.root,
    channelName: options.channelName === undefined
      ? `test-${crypto.randomUUID()}`
      : options.channelName,
  });
  const ac = new AbortController();
  const { promise: listening, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({
    port: 0,
    hostname: "127.0.0.1",
    signal: ac.signal,
    onListen: (addr) => resolve(addr as Deno.NetAddr),
  }, app.handler);
  const addr = await listening;
  const url = `http://127.0.0.1:${addr.port}`;
  if (!options.env?.APP_URL) config.appUrl = url;
  return {
    url,
    app,
    kv,
    config,
    async close() {
      await app.close();
      ac.abort();
      await server.finished;
      if (ownKv) kv.close();
    },
  };
}

/** Runs `fn` against a started server and closes it, whatever happens. */
export async function withServer<T>(
  fn: (server: TestServer) => Promise<T>,
  options: StartOptions = {},
): Promise<T> {
  const server = await startServer(options);
  try {
    return await fn(server);
  } finally {
    await server.close();
  }
}

/**
 * Runs `fn` against two servers sharing one KV file that hear nothing from
 * each other (no BroadcastChannel doorbell), as two instances whose events
 * are lost; closes both and removes the file, whatever happens.
 */
export async function withDeafPair(
  fn: (one: TestServer, two: TestServer) => Promise<void>,
  env?: Record<string, string>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "rt_deaf_pair_" });
  const kvPath = `${dir}/shared.kv`;
  const one = await startServer({ kvPath, channelName: null, env });
  const two = await startServer({ kvPath, channelName: null, env });
  try {
    await fn(one, two);
  } finally {
    await one.close();
    await two.close();
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
}
