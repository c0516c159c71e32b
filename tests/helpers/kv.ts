/**
 * A fresh in-memory KV for one test, closed afterwards.
 * @module
 */

/** Runs `fn` with a new `:memory:` KV and closes it, whatever happens. */
export async function withKv<T>(fn: (kv: Deno.Kv) => Promise<T>): Promise<T> {
  const kv = await Deno.openKv(":memory:");
  try {
    return await fn(kv);
  } finally {
    kv.close();
  }
}
