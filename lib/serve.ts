/**
 * Serving one app instance: opens KV, builds the app, serves it (through
 * lib/web/connection_limits.ts when alone, `Deno.serve` with workers or on
 * Deno Deploy).
 * Used by main.ts directly (`WORKERS=1`) and by each worker
 * (`WORKERS=N`, lib/workers/), which share the port with `reusePort`.
 * @module
 */
import { createApp } from "./app.ts";
import { resumeAccountCleanups } from "./auth/account_cleanup.ts";
import type { Config } from "./config.ts";
import { openKv } from "./kv.ts";
import { driveByCron } from "./mail/cron.ts";
import { mailService } from "./mail/service.ts";
import {
  canGuardConnections,
  deriveLimits,
  serveGuarded,
} from "./web/connection_limits.ts";

/** A serving instance. */
export interface Serving {
  /** Stops taking requests, lets services finish, closes KV. */
  shutdown(): Promise<void>;
}

/** Options of {@link serveApp}. */
export interface ServeOptions {
  config: Config;
  dev: boolean;
  /** Share the port with other listeners (SO_REUSEPORT; Linux spreads connections). */
  reusePort?: boolean;
  /** Printed after "listening", e.g. "worker 2/4". */
  label?: string;
}

/** Starts one instance; resolves once it listens. */
export async function serveApp(o: ServeOptions): Promise<Serving> {
  const { config, dev } = o;
  const kv = await openKv(config.kvPath).catch((err) => {
    if (!(err instanceof Deno.errors.NotCapable)) throw err;
    // One clear line instead of a stack trace.
    console.error(
      `Cannot write the KV file ${config.kvPath}: start with \`deno task start\` ` +
        `(it grants write access to the KV folder) or add ` +
        `--allow-write=<folder of KV_PATH> to deno run.`,
    );
    Deno.exit(1);
  });
  const app = await createApp({
    config,
    kv,
    dev,
    assets: dev ? "memory" : "prebuilt",
  });
  // Account deletions a stopped process left half-done are finished before
  // serving (one list call when none is pending).
  await resumeAccountCleanups(kv, app.deps.bus);
  // Deno Deploy: the minute cron keeps group mail going (lib/mail/cron.ts).
  if ((config.workers ?? 1) <= 1) driveByCron(mailService(app.deps).sender, kv);
  const onListen = ({ hostname, port }: Deno.NetAddr) =>
    console.log(
      `RT Messenger listening on http://${hostname}:${port} (${config.appUrl})${
        o.label ? ` ${o.label}` : ""
      }`,
    );
  let server: { shutdown(): Promise<void> };
  if (
    canGuardConnections() && !o.reusePort && !Deno.env.get("DENO_DEPLOYMENT_ID")
  ) {
    // Our own accept loop: MAX_CONNECTIONS, per IP, idle close, and running
    // out of descriptors refuses connections instead of ending the process.
    const guarded = serveGuarded(
      { hostname: config.hostname, port: config.port },
      deriveLimits(config),
      app.handler,
    );
    onListen(guarded.addr);
    server = guarded;
  } else {
    const { promise: listening, resolve } = Promise.withResolvers<void>();
    server = Deno.serve({
      port: config.port,
      hostname: config.hostname,
      reusePort: o.reusePort,
      onListen: (addr) => {
        onListen(addr);
        resolve();
      },
    }, app.handler);
    await listening;
  }
  return {
    async shutdown() {
      await server.shutdown();
      await app.close();
      kv.close();
    },
  };
}
