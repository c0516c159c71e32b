/**
 * KV key layout of chat files.
 *
 * | key | value |
 * |---|---|
 * | `["file", fileId]` | {@link StoredFile} (the manifest; written last, atomically) |
 * | `["file_chunk", fileId, i]` | Uint8Array of ≤ 60 KiB |
 * | `["file_pending", startedAt, fileId]` | owner: an upload not (yet) sent with a message |
 * | `["file_usage", username]` | number: bytes of the user's stored files |
 * @module
 */

/** Largest chunk value (KV values are ≤ 64 KiB). */
export const CHUNK_BYTES = 60 * 1024;

export const fileKey = (id: string): Deno.KvKey => ["file", id];
export const chunkKey = (id: string, i: number): Deno.KvKey => [
  "file_chunk",
  id,
  i,
];
export const chunksPrefix = (id: string): Deno.KvKey => ["file_chunk", id];
export const pendingKey = (startedAt: number, id: string): Deno.KvKey => [
  "file_pending",
  startedAt,
  id,
];
export const pendingPrefix: Deno.KvKey = ["file_pending"];
export const usageKey = (user: string): Deno.KvKey => ["file_usage", user];
