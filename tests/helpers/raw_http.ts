/**
 * Raw HTTP GETs for tests that must see the bytes on the wire (fetch
 * decompresses bodies on its own): status, headers and the undecoded body.
 * @module
 */
import { request } from "node:http";
import { brotliDecompressSync, gunzipSync } from "node:zlib";

/** A raw answer. */
export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
}

/** GETs `url` with `headers`; the body is returned as sent. */
export function rawGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on("data", (c: Uint8Array) => chunks.push(c));
      res.on("end", () => {
        const flat: Record<string, string> = {};
        for (const [k, v] of Object.entries(res.headers)) {
          flat[k] = Array.isArray(v) ? v.join(", ") : String(v);
        }
        const size = chunks.reduce((n, c) => n + c.byteLength, 0);
        const body = new Uint8Array(size);
        let at = 0;
        for (const c of chunks) {
          body.set(c, at);
          at += c.byteLength;
        }
        resolve({ status: res.statusCode ?? 0, headers: flat, body });
      });
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

/** The body decoded per its `content-encoding`, as text. */
export function decodedText(answer: RawAnswer): string {
  const enc = answer.headers["content-encoding"];
  const bytes = enc === "br"
    ? brotliDecompressSync(answer.body)
    : enc === "gzip"
    ? gunzipSync(answer.body)
    : answer.body;
  return new TextDecoder().decode(bytes);
}
