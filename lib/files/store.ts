/**
 * Chat files in Deno KV (no file system, so it runs on Deno Deploy). An
 * upload writes a pending marker first, then chunks of ≤ 60 KiB, then the
 * manifest and the owner's usage in one atomic commit: until that commit
 * nothing is visible, and a crash leaves only chunks under a pending marker,
 * which {@link sweepOrphans} removes. A file sent with a message loses its
 * marker in the message's commit; deleting the message removes the file.
 * This module does the upload; manifest.ts, chunks.ts and message_files.ts
 * (re-exported here) hold the manifest, chunk I/O and the message side.
 * @module
 */
import { AppError, PayloadTooLargeError } from "../errors.ts";
import { newId } from "../ids.ts";
import { retryLocked } from "../kv.ts";
import { requireWritable } from "../chat/room_access.ts";
import type { FileRef } from "../chat/protocol.ts";
import { probeImage } from "./image.ts";
import { discardChunks } from "./chunks.ts";
import { type StoredFile, toRef } from "./manifest.ts";
import {
  CHUNK_BYTES,
  chunkKey,
  fileKey,
  pendingKey,
  usageKey,
} from "./keys.ts";

export { type StoredFile, toRef } from "./manifest.ts";
export { readRange } from "./chunks.ts";
export { claimFiles, readableFile, removeFiles } from "./message_files.ts";

/** Limits of one upload. */
export interface UploadLimits {
  maxBytes: number;
  quotaBytes: number;
}

/** What a client sent. */
export interface UploadInput {
  user: string;
  room: string;
  name: string;
  type: string;
  /** `Content-Length`, when declared. */
  declaredSize?: number;
  body: ReadableStream<Uint8Array> | null;
}

/** 413 with a message naming the limit. */
function tooLarge(message: string): AppError {
  const e = new PayloadTooLargeError(message);
  return e;
}

function mib(n: number): string {
  return n >= 1024 * 1024
    ? `${Math.round(n / 1024 / 1024 * 10) / 10} MiB`
    : `${Math.round(n / 1024)} KiB`;
}

/** Bytes stored for `user`. */
export async function usage(kv: Deno.Kv, user: string): Promise<number> {
  return (await kv.get<number>(usageKey(user))).value ?? 0;
}

/** Stores an upload to a room the user may write; returns its reference. */
export async function uploadFile(
  kv: Deno.Kv,
  input: UploadInput,
  limits: UploadLimits,
): Promise<FileRef> {
  await requireWritable(kv, input.user, input.room);
  const limit = Math.min(
    limits.maxBytes,
    input.declaredSize ?? limits.maxBytes,
  );
  if (
    input.declaredSize !== undefined && input.declaredSize > limits.maxBytes
  ) {
    await input.body?.cancel();
    throw tooLarge(`Files can be at most ${mib(limits.maxBytes)}.`);
  }
  const used = await usage(kv, input.user);
  if (used + (input.declaredSize ?? 0) > limits.quotaBytes) {
    await input.body?.cancel();
    throw tooLarge(
      `Your files would exceed your storage quota of ${
        mib(limits.quotaBytes)
      } (${mib(used)} used).`,
    );
  }
  const id = newId();
  const startedAt = Date.now();
  const marker = pendingKey(startedAt, id);
  await retryLocked(() => kv.set(marker, input.user));
  let size = 0;
  let chunks = 0;
  try {
    const head: Uint8Array[] = [];
    let headBytes = 0;
    const batch: Uint8Array[] = [];
    let buf = new Uint8Array(CHUNK_BYTES);
    let fill = 0;
    const flush = async (force: boolean) => {
      if (fill === CHUNK_BYTES || (force && fill > 0)) {
        batch.push(buf.slice(0, fill));
        buf = new Uint8Array(CHUNK_BYTES);
        fill = 0;
      }
      if (batch.length >= 10 || (force && batch.length)) {
        const op = kv.atomic();
        for (const c of batch) op.set(chunkKey(id, chunks++), c);
        batch.length = 0;
        await retryLocked(() => op.commit());
      }
    };
    const reader = input.body?.getReader();
    while (reader) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > limit) {
        await reader.cancel();
        throw size > limits.maxBytes
          ? tooLarge(`Files can be at most ${mib(limits.maxBytes)}.`)
          : tooLarge("The body is longer than its Content-Length.");
      }
      if (headBytes < 256 * 1024) {
        head.push(value);
        headBytes += value.length;
      }
      let off = 0;
      while (off < value.length) {
        const n = Math.min(CHUNK_BYTES - fill, value.length - off);
        buf.set(value.subarray(off, off + n), fill);
        fill += n;
        off += n;
        await flush(false);
      }
    }
    await flush(true);
    if (size === 0) {
      throw new AppError(400, "empty_file", "The file is empty.");
    }
    const probe = probeImage(concat(head, headBytes));
    let type = input.type;
    if (probe) type = probe.type;
    else if (type.startsWith("image/") && type !== "image/svg+xml") {
      // Claims to be an image we would show inline but is not one.
      type = "application/octet-stream";
    }
    const file: StoredFile = {
      id,
      name: input.name,
      type,
      size,
      room: input.room,
      owner: input.user,
      chunks,
      createdAt: new Date().toISOString(),
      startedAt,
    };
    if (probe) {
      file.width = probe.width;
      file.height = probe.height;
    }
    for (;;) {
      const u = await kv.get<number>(usageKey(input.user));
      if ((u.value ?? 0) + size > limits.quotaBytes) {
        throw tooLarge(
          `Your files would exceed your storage quota of ${
            mib(limits.quotaBytes)
          }.`,
        );
      }
      const res = await retryLocked(() =>
        kv.atomic().check(u)
          .check({ key: fileKey(id), versionstamp: null })
          .set(fileKey(id), file)
          .set(usageKey(input.user), (u.value ?? 0) + size)
          .commit()
      );
      if (res.ok) break;
    }
    return toRef(file);
  } catch (err) {
    await discardChunks(kv, id, marker).catch(() => {});
    throw err;
  }
}

function concat(parts: Uint8Array[], n: number): Uint8Array {
  const out = new Uint8Array(n);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
