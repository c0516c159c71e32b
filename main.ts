/**
 * RT Messenger entry point: opens KV, builds the app, serves it.
 * @module
 */
import { createApp } from "./lib/app.ts";
import { loadConfig } from "./lib/config.ts";
import { openKv } from "./lib/kv.ts";
import {
  canGuardConnections,
  deriveLimits,
  serveGuarded,
} from "./lib/web/connection_limits.ts";

const dev = Deno.args.includes("--dev");
const config = loadConfig();
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
// Our own accept loop caps connections (MAX_CONNECTIONS …) and survives
// running out of descriptors; Deno.serve where that is not available.
const onListen = ({ hostname, port }: Deno.NetAddr) =>
  console.log(
    `RT Messenger listening on http://${hostname}:${port} (${config.appUrl})`,
  );
let server: { shutdown(): Promise<void> };
if (canGuardConnections() && !Deno.env.get("DENO_DEPLOYMENT_ID")) {
  const guarded = serveGuarded(
    { hostname: config.hostname, port: config.port },
    deriveLimits(config),
    app.handler,
  );
  onListen(guarded.addr);
  server = guarded;
} else {
  server = Deno.serve({
    port: config.port,
    hostname: config.hostname,
    onListen,
  }, app.handler);
}

// On SIGTERM/SIGINT (deploys, Ctrl+C): stop taking requests, let services
// finish (the mail sender hands its leases back), then close KV.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, async () => {
    await server.shutdown();
    await app.close();
    kv.close();
    Deno.exit(0);
  });
}
