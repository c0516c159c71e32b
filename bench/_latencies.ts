/**
 * Latency figures of the chat benches: the per-worker latency arrays joined
 * and sorted, and percentiles of the result.
 * @module
 */

/** All workers' latencies in one sorted array. */
export function mergeLatencies(
  all: { latencies: Float64Array }[],
): Float64Array {
  const merged = new Float64Array(
    all.reduce((a, r) => a + r.latencies.length, 0),
  );
  let off = 0;
  for (const r of all) {
    merged.set(r.latencies, off);
    off += r.latencies.length;
  }
  return merged.sort();
}

/** The `p` percentile (0–1) of sorted latencies; NaN when there are none. */
export function pct(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];
}
