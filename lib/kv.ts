/**
 * Opening Deno KV and small helpers shared by every KV module.
 * All KV access goes through typed functions in `lib/` modules.
 * @module
 */

/**
 * Opens KV at `path`: a local file, `:memory:` (tests), an `http(s)://` KV
 * Connect URL (denokv or Deploy's endpoint; `DENO_KV_ACCESS_TOKEN` holds the
 * token), or undefined (Deploy's own KV).
 */
export async function openKv(path?: string): Promise<Deno.Kv> {
  if (path && path !== ":memory:" && !/^https?:\/\//.test(path)) {
    const dir = path.replace(/[/\\][^/\\]*$/, "");
    if (dir && dir !== path) await Deno.mkdir(dir, { recursive: true });
  }
  return await Deno.openKv(path);
}

/** Collects every value under `prefix` (small lists only). */
export async function listValues<T>(
  kv: Deno.Kv,
  selector: Deno.KvListSelector,
  options: Deno.KvListOptions = {},
): Promise<T[]> {
  const out: T[] = [];
  for await (const entry of kv.list<T>(selector, options)) {
    out.push(entry.value);
  }
  return out;
}

/** One page of a keyed listing, with an opaque cursor ("" at the end). */
export interface Page<T> {
  items: T[];
  cursor: string;
}

/** Lists one page of values under `prefix` using KV's own cursor. */
export async function listPage<T>(
  kv: Deno.Kv,
  selector: Deno.KvListSelector,
  limit: number,
  cursor?: string,
  reverse = false,
): Promise<Page<T>> {
  const iter = kv.list<T>(selector, {
    limit,
    cursor: cursor || undefined,
    reverse,
  });
  const items: T[] = [];
  for await (const entry of iter) items.push(entry.value);
  return { items, cursor: items.length < limit ? "" : iter.cursor };
}

/**
 * Runs `fn` again when a local KV file reports `database is locked`
 * (two processes on one file), up to `tries` times.
 */
export async function retryLocked<T>(
  fn: () => Promise<T>,
  tries = 20,
): Promise<T> {
  for (let i = 0;; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= tries || !String(err).includes("database is locked")) throw err;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * (i + 1)));
    }
  }
}

/**
 * Commits an atomic operation built by `build`, retrying on a failed check
 * (optimistic concurrency). `build` reads fresh state each time; it returns
 * the operation and the value to return, or throws to stop. Each failed
 * try means another write committed in between, so `tries` bounds how many
 * concurrent writers it outlasts.
 */
export async function commitWithRetry<T>(
  kv: Deno.Kv,
  build: (kv: Deno.Kv) => Promise<[Deno.AtomicOperation, T]>,
  tries = 10,
): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const [op, result] = await build(kv);
    const res = await retryLocked(() => op.commit());
    if (res.ok) return result;
    // Lost a race: back off a little (jittered, growing) so a long build
    // is not starved by a stream of quick writers.
    const cap = Math.min(50, 2 ** i);
    await new Promise((r) => setTimeout(r, Math.random() * cap));
  }
  throw new Error("KV commit kept conflicting; try again");
}
