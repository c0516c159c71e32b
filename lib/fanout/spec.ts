/**
 * Validation of `FANOUT` values (no client libraries loaded).
 * @module
 */

/** True when `spec` is a valid `FANOUT` value. */
export function isFanoutSpec(spec: string): boolean {
  if (spec === "broadcast" || spec === "kv-watch") return true;
  try {
    const url = new URL(spec);
    return (url.protocol === "redis:" || url.protocol === "rediss:") &&
      url.hostname !== "";
  } catch {
    return false;
  }
}
