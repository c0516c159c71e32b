/**
 * Serving one app instance: opens KV, builds the app, `Deno.serve`s it.
 * Used by main.ts directly (`WORKERS=1`) and by each worker
 * (`WORKERS=N`, lib/workers/), which share the port with `reusePort`.
 * @module
 */
import { createApp } from "./app.ts";
import type { Config } from "./config.ts";
import { openKv } from "./kv.ts";
import { driveByCron } from "./mail/cron.ts";
import { mailService } from "./mail/service.ts";

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
  const kv = await openKv(config.kvPath);
  const app = await createApp({
    config,
    kv,
    dev,
    assets: dev ? "memory" : "prebuilt",
  });
  // Deno Deploy: the minute cron keeps group mail going (lib/mail/cron.ts).
  if ((config.workers ?? 1) <= 1) driveByCron(mailService(app.deps).sender, kv);
  const { promise: listening, resolve } = Promise.withResolvers<void>();
  const server = Deno.serve({
    port: config.port,
    hostname: config.hostname,
    reusePort: o.reusePort,
    onListen: ({ hostname, port }) => {
      console.log(
        `RT Messenger listening on http://${hostname}:${port} (${config.appUrl})${
          o.label ? ` ${o.label}` : ""
        }`,
      );
      resolve();
    },
  }, app.handler);
  await listening;
  return {
    async shutdown() {
      await server.shutdown();
      await app.close();
      kv.close();
    },
  };
}
