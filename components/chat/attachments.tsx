import { useEffect, useRef } from "preact/hooks";
import type { FileRef } from "../../lib/chat/protocol.ts";

const IMAGE_TYPES = new Set([
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
]);

/** The URL a file is served at. */
export function fileUrl(f: FileRef): string {
  return `/files/${encodeURIComponent(f.id)}/${encodeURIComponent(f.name)}`;
}

/** "12 KB", "3.4 MB". */
export function fileSize(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** True for files shown inline as images (stored with their size). */
export function isImage(f: FileRef): boolean {
  return IMAGE_TYPES.has(f.type) && !!f.width && !!f.height;
}

/**
 * A message's files: images as thumbnails (sized from their stored width
 * and height, so the list does not jump) that open full size; other files
 * as download links with their size.
 */
export function Attachments(
  { files, onOpenImage }: {
    files: FileRef[];
    onOpenImage?: (f: FileRef) => void;
  },
) {
  return (
    <ul class="chat-files" aria-label="Attachments">
      {files.map((f) =>
        isImage(f)
          ? (
            <li key={f.id}>
              <a
                class="chat-thumb"
                href={fileUrl(f)}
                onClick={(e) => {
                  if (!onOpenImage || e.ctrlKey || e.metaKey) return;
                  e.preventDefault();
                  onOpenImage(f);
                }}
              >
                <img
                  src={fileUrl(f)}
                  alt={f.name}
                  width={f.width}
                  height={f.height}
                  decoding="async"
                  style={{ aspectRatio: `${f.width} / ${f.height}` }}
                />
              </a>
            </li>
          )
          : (
            <li key={f.id}>
              <a class="chat-file" href={fileUrl(f)} download={f.name}>
                <span aria-hidden="true">📄</span> {f.name}{" "}
                <span class="chat-muted">({fileSize(f.size)})</span>
              </a>
            </li>
          )
      )}
    </ul>
  );
}

/** An image at full size over the page; Escape or the button closes it. */
export function ImageOverlay(
  { file, onClose }: { file: FileRef; onClose: () => void },
) {
  const dlg = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dlg.current;
    if (d && !d.open) d.showModal?.();
    return () => d?.open && d.close();
  }, []);
  return (
    <dialog
      ref={dlg}
      class="chat-overlay"
      aria-label={file.name}
      onClose={onClose}
      onClick={(e) => {
        if (e.target === dlg.current) onClose();
      }}
    >
      <img src={fileUrl(file)} alt={file.name} />
      <div class="chat-overlay-bar">
        <span>{file.name}</span>{" "}
        <a href={fileUrl(file)} target="_blank" rel="noopener">Open</a>{" "}
        <button type="button" onClick={onClose} autoFocus>Close</button>
      </div>
    </dialog>
  );
}
