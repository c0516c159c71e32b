/**
 * The HTTP answer for a stored file: `ETag`, single byte ranges, `nosniff`,
 * images inline (png, jpeg, gif, webp), everything else as an attachment.
 * @module
 */
import { INLINE_MIME } from "./image.ts";
import { readRange, type StoredFile } from "./store.ts";

function disposition(f: StoredFile): string {
  const kind = INLINE_MIME.has(f.type) ? "inline" : "attachment";
  const ascii = f.name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${
    encodeURIComponent(f.name)
  }`;
}

/** Parses one `bytes=` range against `size`; null = whole file, "bad" = 416. */
export function parseRange(
  header: string | null,
  size: number,
): [number, number] | null | "bad" {
  if (!header) return null;
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === "" && m[2] === "")) {
    return header.includes(",") ? null : "bad";
  }
  let start: number, end: number;
  if (m[1] === "") {
    const n = Number(m[2]);
    if (n === 0) return "bad";
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start > end || start >= size) return "bad";
  return [start, end];
}

/** Builds the response for `req` (GET or HEAD) of file `f`. */
export function fileResponse(
  kv: Deno.Kv,
  req: Request,
  f: StoredFile,
): Response {
  const etag = `"${f.id}"`;
  const headers = new Headers({
    "content-type": INLINE_MIME.has(f.type) ? f.type : (
      f.type.startsWith("text/") ? "text/plain; charset=utf-8" : f.type
    ),
    "content-disposition": disposition(f),
    "x-content-type-options": "nosniff",
    "etag": etag,
    "accept-ranges": "bytes",
    "cache-control": "private, max-age=31536000, immutable",
    "content-security-policy": "default-src 'none'; sandbox",
  });
  const inm = req.headers.get("if-none-match");
  if (
    inm && inm.split(",").some((t) => t.trim() === etag || t.trim() === "*")
  ) {
    return new Response(null, { status: 304, headers });
  }
  const ifRange = req.headers.get("if-range");
  const range = ifRange && ifRange !== etag
    ? null
    : parseRange(req.headers.get("range"), f.size);
  if (range === "bad") {
    headers.set("content-range", `bytes */${f.size}`);
    return new Response(null, { status: 416, headers });
  }
  const [start, end] = range ?? [0, f.size - 1];
  headers.set("content-length", String(end - start + 1));
  if (range) headers.set("content-range", `bytes ${start}-${end}/${f.size}`);
  const body = req.method === "HEAD" ? null : readRange(kv, f, start, end);
  return new Response(body, { status: range ? 206 : 200, headers });
}
