/**
 * Response compression: dynamic answers are compressed per `Accept-Encoding`
 * (brotli, else gzip) with `Vary: Accept-Encoding`; static files and bundles
 * carry precompressed variants ({@link precompress}) chosen the same way.
 * Uses node:zlib (WebAssembly-free, no native addon), available on Deploy.
 * @module
 */
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

/** An encoding we produce. */
export type Encoding = "br" | "gzip";

/** Bodies smaller than this go out as they are (no gain). */
export const MIN_COMPRESS_BYTES = 512;

const COMPRESSIBLE =
  /^(text\/(html|css|javascript|plain|csv|vcard|calendar)|application\/(json|javascript|manifest\+json|xml)|image\/svg\+xml)\b/i;

/** True for content types worth compressing (not streams like ndjson). */
export function isCompressible(contentType: string | null): boolean {
  return contentType !== null && COMPRESSIBLE.test(contentType);
}

/**
 * The best encoding the client accepts (`q=0` refuses), preferring brotli;
 * null for identity.
 */
export function negotiate(acceptEncoding: string | null): Encoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const part of acceptEncoding.toLowerCase().split(",")) {
    const [name, ...params] = part.trim().split(";");
    const qp = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    const value = qp ? Number(qp.slice(2)) : 1;
    q.set(name.trim(), Number.isFinite(value) ? value : 0);
  }
  const accepts = (name: string) => (q.get(name) ?? q.get("*") ?? 0) > 0;
  if (accepts("br")) return "br";
  if (accepts("gzip")) return "gzip";
  return null;
}

/** Compresses `body`: brotli at `quality` (default 5, fast), or gzip. */
export function compressBytes(
  body: Uint8Array,
  encoding: Encoding,
  quality = 5,
): Uint8Array {
  const out = encoding === "br"
    ? brotliCompressSync(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: quality,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
      },
    })
    : gzipSync(body, { level: quality >= 9 ? 9 : 6 });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Both precompressed variants of a file, at the best quality (build time). */
export function precompress(body: Uint8Array): Record<Encoding, Uint8Array> {
  return {
    br: compressBytes(body, "br", 11),
    gzip: compressBytes(body, "gzip", 9),
  };
}

/** Adds `Accept-Encoding` to a response's `Vary` header (once). */
export function varyOnEncoding(headers: Headers): void {
  const vary = headers.get("vary");
  if (!vary) headers.set("vary", "Accept-Encoding");
  else if (!/\baccept-encoding\b/i.test(vary)) {
    headers.set("vary", `${vary}, Accept-Encoding`);
  }
}

/**
 * Compresses a dynamic response when the client accepts it and the type is
 * compressible; leaves anything already encoded, empty or streaming alone.
 */
export async function compressResponse(
  req: Request,
  res: Response,
): Promise<Response> {
  if (
    !res.body || res.status === 101 || res.status === 204 ||
    res.status === 304 || res.headers.has("content-encoding") ||
    !isCompressible(res.headers.get("content-type")) ||
    /\bno-transform\b/i.test(res.headers.get("cache-control") ?? "")
  ) return res;
  varyOnEncoding(res.headers);
  const encoding = negotiate(req.headers.get("accept-encoding"));
  if (!encoding) return res;
  const body = new Uint8Array(await res.arrayBuffer());
  const headers = new Headers(res.headers);
  if (body.byteLength < MIN_COMPRESS_BYTES) {
    headers.set("content-length", String(body.byteLength));
    return new Response(body, { status: res.status, headers });
  }
  const out = compressBytes(body, encoding);
  headers.set("content-encoding", encoding);
  headers.set("content-length", String(out.byteLength));
  // A strong ETag names the identity bytes; the encoded ones differ.
  const etag = headers.get("etag");
  if (etag && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
  return new Response(out as BodyInit, { status: res.status, headers });
}
