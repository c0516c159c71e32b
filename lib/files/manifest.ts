/**
 * A stored file's manifest (KV `fileKey`) and its public reference.
 * @module
 */
import type { FileRef } from "../chat/protocol.ts";

/** A file's manifest as stored. */
export interface StoredFile extends FileRef {
  room: string;
  owner: string;
  chunks: number;
  createdAt: string;
  /** When the upload started (ms); part of its pending marker's key. */
  startedAt: number;
}

/** The public part of a manifest. */
export function toRef(f: StoredFile): FileRef {
  const ref: FileRef = { id: f.id, name: f.name, type: f.type, size: f.size };
  if (f.width) ref.width = f.width;
  if (f.height) ref.height = f.height;
  return ref;
}
