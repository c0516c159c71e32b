/**
 * The one place where errors become HTTP responses.
 * @module
 */
import { AppError, TooManyRequestsError } from "../errors.ts";

/** Status, code and a user-safe message for any thrown value. */
export function describeError(
  err: unknown,
): { status: number; code: string; message: string } {
  if (err instanceof AppError) {
    return { status: err.status, code: err.code, message: err.message };
  }
  return {
    status: 500,
    code: "internal",
    message: "Something went wrong on our side.",
  };
}

/** A JSON error answer `{"error":{code,message,fields?}}`. */
export function jsonError(err: unknown): Response {
  const { status, code, message } = describeError(err);
  const body: Record<string, unknown> = { code, message };
  if (err instanceof AppError && err.fields) body.fields = err.fields;
  const headers = new Headers({
    "content-type": "application/json; charset=utf-8",
  });
  if (err instanceof TooManyRequestsError && err.retryAfter) {
    headers.set("retry-after", String(Math.ceil(err.retryAfter)));
  }
  return new Response(JSON.stringify({ error: body }), { status, headers });
}

/** A JSON answer with `status` (default 200). */
export function json(
  data: unknown,
  status = 200,
  init: HeadersInit = {},
): Response {
  const headers = new Headers(init);
  headers.set("content-type", "application/json; charset=utf-8");
  return new Response(JSON.stringify(data), { status, headers });
}

/** A `303 See Other` redirect to a same-origin path. */
export function redirect(
  location: string,
  status = 303,
  headers: HeadersInit = {},
): Response {
  const h = new Headers(headers);
  h.set("location", location);
  return new Response(null, { status, headers: h });
}
