/**
 * RT Messenger entry point: serves the app, in this isolate (`WORKERS=1`,
 * the default) or in N workers sharing the port (`WORKERS=N`, `auto` = one
 * per CPU), the KV store and the BroadcastChannel.
 * @module
 */
import { loadConfig } from "./lib/config.ts";
import { serveApp } from "./lib/serve.ts";
import { startWorkers } from "./lib/workers/pool.ts";

const dev = Deno.args.includes("--dev");
const config = loadConfig();
const serving = config.workers > 1
  ? await startWorkers(config.workers, dev)
  : await serveApp({ config, dev });

// On SIGTERM/SIGINT (deploys, Ctrl+C): stop taking requests, let services
// finish (the mail sender hands its leases back), then close KV.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  Deno.addSignalListener(signal, async () => {
    await serving.shutdown();
    Deno.exit(0);
  });
}
