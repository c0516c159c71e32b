/**
 * A stored file's chunks (≤ 60 KiB each under `chunksPrefix`): read a byte
 * range as a stream, or delete them all with a marker.
 * @module
 */
import { retryLocked } from "../kv.ts";
import type { StoredFile } from "./manifest.ts";
import { CHUNK_BYTES, chunkKey, chunksPrefix } from "./keys.ts";

/** Deletes file `id`'s chunks (in commits of 500) and then `marker`. */
export async function discardChunks(
  kv: Deno.Kv,
  id: string,
  marker: Deno.KvKey,
): Promise<void> {
  let op = kv.atomic();
  let n = 0;
  for await (const e of kv.list({ prefix: chunksPrefix(id) })) {
    op.delete(e.key);
    if (++n % 500 === 0) {
      await retryLocked(() => op.commit());
      op = kv.atomic();
    }
  }
  op.delete(marker);
  await retryLocked(() => op.commit());
}

/** Reads bytes `start..end` (inclusive) of a stored file as a stream. */
export function readRange(
  kv: Deno.Kv,
  f: StoredFile,
  start: number,
  end: number,
): ReadableStream<Uint8Array> {
  let i = Math.floor(start / CHUNK_BYTES);
  const last = Math.floor(end / CHUNK_BYTES);
  return new ReadableStream({
    async pull(ctrl) {
      if (i > last) return ctrl.close();
      const c = (await kv.get<Uint8Array>(chunkKey(f.id, i))).value;
      if (!c) return ctrl.error(new Error("file chunk missing"));
      const base = i * CHUNK_BYTES;
      const from = Math.max(0, start - base);
      const to = Math.min(c.length, end - base + 1);
      ctrl.enqueue(c.subarray(from, to));
      i++;
    },
  });
}
