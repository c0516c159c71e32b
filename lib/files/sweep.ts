/**
 * The orphan sweep: uploads never sent with a message (or cut off by a
 * crash) are removed once their pending marker is older than the cut-off.
 * Runs on a timer in every instance (no KV queues); idempotent.
 * @module
 */
import { retryLocked } from "../kv.ts";
import { pendingPrefix } from "./keys.ts";
import { removeFiles } from "./store.ts";

/** Removes uploads started before `before` (ms) and not sent; returns how many. */
export async function sweepOrphans(
  kv: Deno.Kv,
  before: number,
): Promise<number> {
  const keys: Deno.KvKey[] = [];
  const iter = kv.list<string>({
    start: [...pendingPrefix, 0],
    end: [...pendingPrefix, before],
  }, { limit: 500 });
  for await (const e of iter) keys.push(e.key);
  await removeFiles(kv, keys.map((k) => k[2] as string));
  for (let i = 0; i < keys.length; i += 500) {
    const op = kv.atomic();
    for (const k of keys.slice(i, i + 500)) op.delete(k);
    await retryLocked(() => op.commit());
  }
  return keys.length;
}

/** Sweeps every `everyMs`; returns the function that stops it. */
export function startSweeper(
  kv: Deno.Kv,
  orphanMs: number,
  everyMs = Math.max(1000, Math.min(orphanMs / 2, 5 * 60_000)),
): () => void {
  let running = false;
  const timer = setInterval(async () => {
    if (running) return;
    running = true;
    try {
      await sweepOrphans(kv, Date.now() - orphanMs);
    } catch (err) {
      console.error("file sweep:", err);
    } finally {
      running = false;
    }
  }, everyMs);
  return () => clearInterval(timer);
}
