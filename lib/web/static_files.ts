/**
 * Static files from `static/` and bundled client files, held in memory with
 * strong ETags. Bundles are content-hashed and cached as immutable.
 * Compressible files carry brotli and gzip variants (precompressed by
 * `deno task build`, or compressed once at start-up), chosen per
 * `Accept-Encoding` with `Vary: Accept-Encoding`.
 * @module
 */
import { encodeHex } from "./hex.ts";
import {
  type Encoding,
  isCompressible,
  MIN_COMPRESS_BYTES,
  negotiate,
  precompress,
} from "./compression.ts";

/** Precompressed variants of one file. */
export type Variants = Partial<Record<Encoding, Uint8Array>>;

// Compressing at the best quality is slow: once per content per process.
const compressedCache = new Map<string, Variants>();

const TYPES: Record<string, string> = {
  css: "text/css; charset=utf-8",
  js: "text/javascript; charset=utf-8",
  json: "application/json",
  svg: "image/svg+xml",
  png: "image/png",
  ico: "image/x-icon",
  jpg: "image/jpeg",
  webp: "image/webp",
  woff2: "font/woff2",
  txt: "text/plain; charset=utf-8",
  webmanifest: "application/manifest+json",
};

interface StaticFile {
  body: Uint8Array;
  type: string;
  etag: string;
  immutable: boolean;
  variants: Variants;
}

/** An in-memory file server keyed by URL path. */
export class StaticFiles {
  #files = new Map<string, StaticFile>();

  /**
   * Adds a file under `path` (a URL path starting with `/`), with its
   * precompressed `variants` when given (else compressed here, once).
   */
  async add(
    path: string,
    body: Uint8Array,
    immutable = false,
    variants?: Variants,
  ): Promise<void> {
    const ext = path.replace(/^.*\./, "").toLowerCase();
    const type = TYPES[ext] ?? "application/octet-stream";
    const digest = await crypto.subtle.digest("SHA-256", body as BufferSource);
    const hash = encodeHex(new Uint8Array(digest)).slice(0, 32);
    let v: Variants = variants ?? {};
    if (
      !variants && isCompressible(type) && body.byteLength >= MIN_COMPRESS_BYTES
    ) {
      v = compressedCache.get(hash) ?? precompress(body);
      compressedCache.set(hash, v);
    }
    this.#files.set(path, {
      body,
      type,
      etag: `"${hash}"`,
      immutable,
      variants: v,
    });
  }

  /** Loads every file below `dir` (missing folder: nothing). */
  async addDir(dir: string, prefix = "/"): Promise<void> {
    let entries: Deno.DirEntry[];
    try {
      entries = await Array.fromAsync(Deno.readDir(dir));
    } catch (err) {
      if (err instanceof Deno.errors.NotFound) return;
      throw err;
    }
    for (const e of entries) {
      if (e.isDirectory) {
        await this.addDir(`${dir}/${e.name}`, `${prefix}${e.name}/`);
      } else if (e.isFile) {
        await this.add(
          prefix + e.name,
          await Deno.readFile(`${dir}/${e.name}`),
        );
      }
    }
  }

  /** True when `path` is served here. */
  has(path: string): boolean {
    return this.#files.has(path);
  }

  /** Answers GET/HEAD for `path`, with 304 on a matching `If-None-Match`. */
  serve(req: Request, path: string): Response | undefined {
    const file = this.#files.get(path);
    if (!file) return undefined;
    const encoding = negotiate(req.headers.get("accept-encoding"));
    const encoded = encoding ? file.variants[encoding] : undefined;
    const body = encoded ?? file.body;
    const etag = encoded ? file.etag.replace(/"$/, `-${encoding}"`) : file.etag;
    const headers = new Headers({
      "content-type": file.type,
      etag,
      "cache-control": file.immutable
        ? "public, max-age=31536000, immutable"
        : "public, max-age=0, must-revalidate",
    });
    if (Object.keys(file.variants).length) {
      headers.set("vary", "Accept-Encoding");
    }
    if (encoded) headers.set("content-encoding", encoding!);
    const inm = req.headers.get("if-none-match");
    if (inm && inm.split(",").some((t) => t.trim() === etag)) {
      return new Response(null, { status: 304, headers });
    }
    headers.set("content-length", String(body.byteLength));
    return new Response(req.method === "HEAD" ? null : body as BodyInit, {
      headers,
    });
  }
}
