/**
 * Reading request bodies with explicit size limits and clear errors.
 * @module
 */
import {
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from "../errors.ts";

/** Reads the body as bytes, refusing more than `limit` bytes with 413. */
export async function readBytes(
  req: Request,
  limit: number,
): Promise<Uint8Array> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    throw new PayloadTooLargeError();
  }
  if (!req.body) return new Uint8Array();
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = req.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw new PayloadTooLargeError();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.byteLength;
  }
  return out;
}

/** Reads the body as UTF-8 text (invalid UTF-8 → 400). */
export async function readText(req: Request, limit: number): Promise<string> {
  const bytes = await readBytes(req, limit);
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(
      bytes,
    );
  } catch {
    throw new BadRequestError(
      "The body is not valid UTF-8 text.",
      "invalid_encoding",
    );
  }
}

/** Reads a JSON object body (anything else → 400 / 415). */
export async function readJson<T = Record<string, unknown>>(
  req: Request,
  limit: number,
): Promise<T> {
  const type = req.headers.get("content-type") ?? "";
  if (type && !/^application\/(.+\+)?json\b/i.test(type)) {
    throw new UnsupportedMediaTypeError(
      "Send JSON (Content-Type: application/json).",
    );
  }
  const text = await readText(req, limit);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequestError("The body is not valid JSON.", "invalid_json");
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new BadRequestError(
      "The body must be a JSON object.",
      "invalid_json",
    );
  }
  return value as T;
}

/** Reads an `application/x-www-form-urlencoded` form into string fields. */
export async function readForm(
  req: Request,
  limit: number,
): Promise<Record<string, string>> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/x-www-form-urlencoded\b/i.test(type)) {
    throw new BadRequestError(
      "Send the form as application/x-www-form-urlencoded.",
      "invalid_form",
    );
  }
  const text = await readText(req, limit);
  if (/%(?![0-9a-f]{2})/i.test(text)) {
    throw new BadRequestError("The form data is malformed.", "invalid_form");
  }
  const out: Record<string, string> = {};
  try {
    for (const [k, v] of new URLSearchParams(text)) out[k] = v;
  } catch {
    throw new BadRequestError("The form data is malformed.", "invalid_form");
  }
  return out;
}
