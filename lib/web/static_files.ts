/**
 * Static files from `static/` and bundled client files, held in memory with
 * strong ETags. Bundles are content-hashed and cached as immutable.
 * @module
 */
import { encodeHex } from "./hex.ts";

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
}

/** An in-memory file server keyed by URL path. */
export class StaticFiles {
  #files = new Map<string, StaticFile>();

  /** Adds a file under `path` (a URL path starting with `/`). */
  async add(path: string, body: Uint8Array, immutable = false): Promise<void> {
    const ext = path.replace(/^.*\./, "").toLowerCase();
    const digest = await crypto.subtle.digest("SHA-256", body as BufferSource);
    this.#files.set(path, {
      body,
      type: TYPES[ext] ?? "application/octet-stream",
      etag: `"${encodeHex(new Uint8Array(digest)).slice(0, 32)}"`,
      immutable,
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
    const headers = new Headers({
      "content-type": file.type,
      etag: file.etag,
      "cache-control": file.immutable
        ? "public, max-age=31536000, immutable"
        : "public, max-age=0, must-revalidate",
    });
    const inm = req.headers.get("if-none-match");
    if (inm && inm.split(",").some((t) => t.trim() === file.etag)) {
      return new Response(null, { status: 304, headers });
    }
    headers.set("content-length", String(file.body.byteLength));
    return new Response(req.method === "HEAD" ? null : file.body as BodyInit, {
      headers,
    });
  }
}
