/**
 * Lossless JSON for KV keys and values: every structured-clone type KV can
 * hold (strings, numbers incl. NaN/±Infinity/-0, bigint, booleans, null,
 * undefined, Uint8Array and other typed arrays, ArrayBuffer, Date, RegExp,
 * Map, Set, arrays, plain objects, Deno.KvU64) encodes to JSON and back to an
 * equal value. Objects are always wrapped (`{"$":"obj","v":{...}}`), so a
 * user's object with a `$` field cannot be mistaken for a tag.
 * @module
 */

/** Encoded form (JSON-safe). */
export type Encoded =
  | null
  | boolean
  | string
  | number
  | Encoded[]
  | { $: string; [k: string]: unknown };

const b64 = (bytes: Uint8Array): string => {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
};
const unb64 = (s: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

const TYPED = {
  Int8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;

/** Encodes a KV value or key part. Throws on types KV cannot store. */
export function encode(v: unknown): Encoded {
  if (v === null || typeof v === "boolean" || typeof v === "string") return v;
  if (v === undefined) return { $: "undef" };
  if (typeof v === "number") {
    if (Number.isFinite(v) && !Object.is(v, -0)) return v;
    return { $: "num", v: Object.is(v, -0) ? "-0" : String(v) };
  }
  if (typeof v === "bigint") return { $: "big", v: v.toString() };
  if (v instanceof Deno.KvU64) return { $: "u64", v: v.value.toString() };
  if (v instanceof Uint8Array && v.constructor === Uint8Array) {
    return { $: "u8", v: b64(v) };
  }
  if (ArrayBuffer.isView(v)) {
    const name = v.constructor.name;
    if (!(name in TYPED)) throw new Error(`cannot back up a ${name}`);
    const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
    return { $: "ta", t: name, v: b64(bytes) };
  }
  if (v instanceof ArrayBuffer) return { $: "ab", v: b64(new Uint8Array(v)) };
  if (v instanceof Date) return { $: "date", v: String(v.getTime()) };
  if (v instanceof RegExp) return { $: "re", s: v.source, f: v.flags };
  if (v instanceof Map) {
    return { $: "map", v: [...v].map(([k, x]) => [encode(k), encode(x)]) };
  }
  if (v instanceof Set) return { $: "set", v: [...v].map(encode) };
  if (Array.isArray(v)) return v.map(encode);
  if (typeof v === "object") {
    const out: Record<string, Encoded> = {};
    for (const [k, x] of Object.entries(v)) out[k] = encode(x);
    return { $: "obj", v: out };
  }
  throw new Error(`cannot back up a ${typeof v}`);
}

/** Decodes what {@link encode} produced. Throws on malformed input. */
export function decode(e: unknown): unknown {
  if (e === null || typeof e === "boolean" || typeof e === "string") return e;
  if (typeof e === "number") return e;
  if (Array.isArray(e)) return e.map(decode);
  if (typeof e !== "object") throw new Error("malformed value");
  const t = e as Record<string, unknown>;
  const s = () => {
    if (typeof t.v !== "string") throw new Error(`malformed ${t.$}`);
    return t.v;
  };
  switch (t.$) {
    case "undef":
      return undefined;
    case "num":
      return s() === "-0" ? -0 : Number(s());
    case "big":
      return BigInt(s());
    case "u64":
      return new Deno.KvU64(BigInt(s()));
    case "u8":
      return unb64(s());
    case "ta": {
      const Ctor = TYPED[t.t as keyof typeof TYPED];
      if (!Ctor) throw new Error("malformed typed array");
      const bytes = unb64(s());
      return new Ctor(bytes.buffer);
    }
    case "ab":
      return unb64(s()).buffer;
    case "date":
      return new Date(Number(s()));
    case "re":
      return new RegExp(String(t.s), String(t.f));
    case "map":
      return new Map(
        (t.v as unknown[][]).map(([k, x]) => [decode(k), decode(x)]),
      );
    case "set":
      return new Set((t.v as unknown[]).map(decode));
    case "obj": {
      if (!t.v || typeof t.v !== "object") throw new Error("malformed object");
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(t.v)) out[k] = decode(x);
      return out;
    }
  }
  throw new Error(`unknown tag ${String(t.$)}`);
}

/** Decodes a key, checking that every part is a valid KV key part. */
export function decodeKey(e: unknown): Deno.KvKey {
  if (!Array.isArray(e)) throw new Error("malformed key");
  return e.map((p) => {
    const v = decode(p);
    if (
      typeof v === "string" || typeof v === "number" ||
      typeof v === "bigint" || typeof v === "boolean" ||
      v instanceof Uint8Array
    ) return v;
    throw new Error("malformed key part");
  });
}
