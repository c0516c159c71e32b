import { useRef, useState } from "preact/hooks";
import type { FileRef } from "../../lib/chat/protocol.ts";
import { MAX_FILES_PER_MESSAGE } from "../../lib/chat/protocol.ts";
import { type Upload, uploadFile } from "../../lib/chat/client/uploads.ts";
import { fileSize } from "./attachments.tsx";

/** One file being attached in the composer. */
export interface PendingUpload {
  key: number;
  name: string;
  size: number;
  progress: number;
  status: "uploading" | "done" | "failed";
  error?: string;
  ref?: FileRef;
  upload?: Upload;
}

let nextKey = 1;

/** Upload state of the composer: add files, cancel one, take the finished ones. */
export function useUploads(room: string) {
  const [list, setList] = useState<PendingUpload[]>([]);
  const live = useRef(list);
  live.current = list;
  const update = (key: number, patch: Partial<PendingUpload>) =>
    setList((l) => l.map((u) => (u.key === key ? { ...u, ...patch } : u)));
  const add = (files: Iterable<File>) => {
    for (const file of files) {
      if (live.current.length >= MAX_FILES_PER_MESSAGE) break;
      const key = nextKey++;
      const up = uploadFile(
        room,
        file,
        (progress) => update(key, { progress }),
      );
      const entry: PendingUpload = {
        key,
        name: file.name || "pasted image",
        size: file.size,
        progress: 0,
        status: "uploading",
        upload: up,
      };
      live.current = [...live.current, entry];
      setList(live.current);
      up.promise.then(
        (ref) =>
          update(key, { status: "done", progress: 1, ref, name: ref.name }),
        (err: Error) => {
          if (!live.current.some((u) => u.key === key)) return; // cancelled
          update(key, { status: "failed", error: err.message });
        },
      );
    }
  };
  const remove = (key: number) => {
    live.current.find((u) => u.key === key)?.upload?.abort();
    setList((l) => l.filter((u) => u.key !== key));
  };
  const busy = list.some((u) => u.status === "uploading");
  const done = list.filter((u) => u.status === "done").map((u) => u.ref!);
  return { list, add, remove, busy, done, clear: () => setList([]) };
}

/** The composer's attachment list: a progress bar and a cancel button per file. */
export function UploadList(
  { list, onRemove }: {
    list: PendingUpload[];
    onRemove: (key: number) => void;
  },
) {
  if (!list.length) return null;
  return (
    <ul class="chat-uploads" aria-label="Attachments to send">
      {list.map((u) => (
        <li key={u.key} class={"is-" + u.status}>
          <span class="chat-upload-name">{u.name}</span>{" "}
          <span class="chat-muted">{fileSize(u.size)}</span>
          {u.status === "uploading" && (
            <progress
              max={1}
              value={u.progress}
              aria-label={`Uploading ${u.name}`}
            />
          )}
          {u.status === "failed" && (
            <span class="is-error" role="alert">{u.error}</span>
          )}
          <button
            type="button"
            aria-label={(u.status === "uploading"
              ? "Cancel upload of "
              : "Remove ") +
              u.name}
            onClick={() => onRemove(u.key)}
          >
            ✕
          </button>
        </li>
      ))}
    </ul>
  );
}
