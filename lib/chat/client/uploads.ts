/**
 * Browser uploads of chat files (`POST /api/rooms/:id/files`, raw body)
 * with progress and cancel, through XMLHttpRequest (fetch reports no
 * upload progress).
 * @module
 */
import type { FileRef } from "../protocol.ts";

/** A running upload. */
export interface Upload {
  promise: Promise<FileRef>;
  abort(): void;
}

/** Uploads `file` to `room`; `onProgress` gets 0..1. */
export function uploadFile(
  room: string,
  file: Blob & { name?: string },
  onProgress: (fraction: number) => void,
): Upload {
  const xhr = new XMLHttpRequest();
  const promise = new Promise<FileRef>((resolve, reject) => {
    xhr.open("POST", `/api/rooms/${encodeURIComponent(room)}/files`);
    xhr.setRequestHeader(
      "content-type",
      file.type || "application/octet-stream",
    );
    xhr.setRequestHeader(
      "x-filename",
      encodeURIComponent(file.name || "pasted.png"),
    );
    xhr.setRequestHeader("accept", "application/json");
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable) onProgress(e.loaded / e.total);
    };
    xhr.onload = () => {
      let body: { error?: { message?: string } } & Partial<FileRef> = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch { /* not JSON */ }
      if (xhr.status === 201 && body.id) resolve(body as FileRef);
      else {
        reject(
          new Error(body.error?.message ?? `Upload failed (${xhr.status}).`),
        );
      }
    };
    xhr.onerror = () => reject(new Error("Upload failed: network error."));
    xhr.onabort = () => reject(new Error("Upload cancelled."));
    xhr.send(file);
  });
  return { promise, abort: () => xhr.abort() };
}
