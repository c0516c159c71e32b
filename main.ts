/**
 * RT Messenger entry point: opens KV, builds the app, serves it.
 * @module
 */
import { createApp } from "./lib/app.ts";
import { loadConfig } from "./lib/config.ts";
import { openKv } from "./lib/kv.ts";

const dev = Deno.args.includes("--dev");
const config = loadConfig();
const kv = await openKv(config.kvPath);
const app = await createApp({
  config,
  kv,
  dev,
  assets: dev ? "memory" : "prebuilt",
});
const server = Deno.serve({
  port: config.port,
  hostname: config.hostname,
  onListen: ({ hostname, port }) =>
    console.log(
      `RT Messenger listening on http://${hostname}:${port} (${config.appUrl})`,
    ),
}, app.handler);

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
