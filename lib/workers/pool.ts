/**
 * Starts and stops the `WORKERS=N` app instances of this process.
 * @module
 */
import type { Serving } from "../serve.ts";

/** Starts `count` workers; resolves when all listen. A worker that fails ends the process. */
export async function startWorkers(
  count: number,
  dev: boolean,
): Promise<Serving> {
  const workers: Worker[] = [];
  const ready: Promise<void>[] = [];
  for (let index = 0; index < count; index++) {
    const w = new Worker(new URL("./worker.ts", import.meta.url), {
      type: "module",
    });
    ready.push(
      new Promise((resolve) => {
        w.addEventListener("message", function onReady(e) {
          if (e.data?.type !== "ready") return;
          w.removeEventListener("message", onReady);
          resolve();
        });
      }),
    );
    w.addEventListener("error", (e) => {
      console.error(`worker ${index + 1}/${count} failed:`, e.message);
      Deno.exit(1);
    });
    w.postMessage({ index, count, dev });
    workers.push(w);
  }
  await Promise.all(ready);
  console.log(`RT Messenger: ${count} workers share the port`);
  return {
    async shutdown() {
      await Promise.all(workers.map((w) =>
        new Promise<void>((resolve) => {
          w.addEventListener("message", (e) => {
            if (e.data?.type === "closed") resolve();
          });
          w.postMessage({ type: "shutdown" });
        })
      ));
      for (const w of workers) w.terminate();
    },
  };
}
