/**
 * One worker of `WORKERS=N`: serves an app instance on the shared port
 * (`reusePort`) with its own KV handle on the same store; the
 * BroadcastChannel fanout reaches the other workers of this process. Posts
 * `{type:"ready"}` once listening and `{type:"closed"}` after a
 * `{type:"shutdown"}` request.
 * @module
 */
/// <reference lib="deno.worker" />
import { loadConfig } from "../config.ts";
import { serveApp } from "../serve.ts";
import { workerConfig } from "./config.ts";

const { index, count, dev } = await new Promise<
  { index: number; count: number; dev: boolean }
>((resolve) => {
  self.onmessage = (e) => resolve(e.data);
});
const serving = await serveApp({
  config: workerConfig(loadConfig(), count),
  dev,
  reusePort: true,
  label: `worker ${index + 1}/${count}`,
});
self.onmessage = async (e) => {
  if (e.data?.type !== "shutdown") return;
  await serving.shutdown();
  self.postMessage({ type: "closed" });
};
self.postMessage({ type: "ready" });
