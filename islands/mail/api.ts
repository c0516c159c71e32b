/**
 * Small fetch helpers for the mail islands: JSON in and out, errors thrown
 * with the server's message, first letter capitalised for display.
 * @module
 */

/** "subject is required." → "Subject is required." */
export function capitalise(message: string): string {
  return message ? message[0].toUpperCase() + message.slice(1) : message;
}

/** Calls the API; throws an Error with the server's (capitalised) message. */
export async function call<T = Record<string, unknown>>(
  url: string,
  method = "GET",
  body?: unknown,
): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 204) return {} as T;
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    throw new Error(capitalise(data?.error?.message ?? `HTTP ${res.status}`));
  }
  return data as T;
}
