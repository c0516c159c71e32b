/**
 * Island props serialisation: JSON plus Date, URL, Map, Set, undefined and
 * non-finite numbers. Functions, symbols, bigints, class instances and
 * cycles are refused. The output is safe to embed in an HTML `<script>`.
 * @module
 */

const TAG = "\u0001t";

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

/** Encodes `value` into plain JSON with tagged special values. */
export function encode(value: unknown, seen = new Set<object>()): Json {
  if (
    value === null || typeof value === "boolean" || typeof value === "string"
  ) {
    return value;
  }
  if (value === undefined) return { [TAG]: "undefined" };
  if (typeof value === "number") {
    return Number.isFinite(value)
      ? value
      : { [TAG]: "number", v: String(value) };
  }
  if (typeof value !== "object") {
    throw new TypeError(`island props cannot contain a ${typeof value}`);
  }
  if (seen.has(value)) {
    throw new TypeError("island props cannot contain cycles");
  }
  seen.add(value);
  try {
    if (value instanceof Date) return { [TAG]: "Date", v: value.toISOString() };
    if (value instanceof URL) return { [TAG]: "URL", v: value.href };
    if (value instanceof Map) {
      return {
        [TAG]: "Map",
        v: [...value].map(([k, v]) => [encode(k, seen), encode(v, seen)]),
      };
    }
    if (value instanceof Set) {
      return { [TAG]: "Set", v: [...value].map((v) => encode(v, seen)) };
    }
    if (Array.isArray(value)) return value.map((v) => encode(v, seen));
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(
        `island props cannot contain a ${
          proto?.constructor?.name ?? "class"
        } instance`,
      );
    }
    const out: Record<string, Json> = {};
    for (const [k, v] of Object.entries(value)) out[k] = encode(v, seen);
    // An object that happens to own the tag key is wrapped so it stays data.
    return TAG in out ? { [TAG]: "Object", v: out } : out;
  } finally {
    seen.delete(value);
  }
}

/** Reverses {@link encode}. */
export function decode(json: unknown): unknown {
  if (Array.isArray(json)) return json.map(decode);
  if (json === null || typeof json !== "object") return json;
  const obj = json as Record<string, unknown>;
  if (TAG in obj) {
    const v = obj.v;
    switch (obj[TAG]) {
      case "undefined":
        return undefined;
      case "number":
        return Number(v);
      case "Date":
        return new Date(v as string);
      case "URL":
        return new URL(v as string);
      case "Map":
        return new Map(
          (v as unknown[][]).map(([k, x]) => [decode(k), decode(x)]),
        );
      case "Set":
        return new Set((v as unknown[]).map(decode));
      case "Object": {
        const out: Record<string, unknown> = {};
        for (const [k, x] of Object.entries(v as object)) out[k] = decode(x);
        return out;
      }
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(obj)) out[k] = decode(x);
  return out;
}

/**
 * JSON for an inline `<script type="application/json">`: `<`, `>`, `&` and
 * the JS line separators are escaped, so `</script` and `<!--` cannot occur.
 */
export function toScriptJson(value: unknown): string {
  return JSON.stringify(encode(value))
    .replaceAll("<", "\\u003c")
    .replaceAll(">", "\\u003e")
    .replaceAll("&", "\\u0026")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}
