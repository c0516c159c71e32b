/**
 * Reading every KV entry for a backup.
 *
 * For a local KV file the entries are read from its SQLite database in one
 * SELECT: a consistent point-in-time snapshot (SQLite's WAL gives a reader a
 * fixed view while the server keeps writing), including each entry's expiry.
 * Keys are decoded from denokv's tuple encoding, values from V8
 * serialisation (encoding 1), little-endian u64 (2) or raw bytes (3).
 * For a KV reached by URL (KV Connect / denokv) or Deploy's KV, `kv.list` is
 * used: correct per entry, but not a snapshot and without expiries.
 * @module
 */
import { DatabaseSync } from "node:sqlite";
import v8 from "node:v8";

/** One entry: key, value and (when known) expiry in ms since the epoch. */
export interface SnapEntry {
  key: Deno.KvKey;
  value: unknown;
  expiresAt?: number;
}

/** Decodes one key from denokv's tuple encoding. */
export function decodeKvKey(b: Uint8Array): Deno.KvKey {
  const out: Deno.KvKeyPart[] = [];
  let i = 0;
  const readEscaped = (): Uint8Array => {
    const bytes: number[] = [];
    for (;;) {
      if (i >= b.length) throw new Error("unterminated key part");
      const c = b[i++];
      if (c === 0x00) {
        if (b[i] === 0xff) {
          bytes.push(0);
          i++;
          continue;
        }
        return new Uint8Array(bytes);
      }
      bytes.push(c);
    }
  };
  const bigFrom = (bytes: Uint8Array): bigint =>
    bytes.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
  while (i < b.length) {
    const code = b[i++];
    if (code === 0x01) out.push(readEscaped());
    else if (code === 0x02) out.push(new TextDecoder().decode(readEscaped()));
    else if (code === 0x21) {
      const d = b.slice(i, i + 8);
      i += 8;
      if (d[0] & 0x80) d[0] ^= 0x80;
      else for (let j = 0; j < 8; j++) d[j] ^= 0xff;
      out.push(new DataView(d.buffer).getFloat64(0));
    } else if (code === 0x26) out.push(false);
    else if (code === 0x27) out.push(true);
    else if (code === 0x14) out.push(0n);
    else if (code > 0x14 && code < 0x1d) {
      const n = code - 0x14;
      out.push(bigFrom(b.subarray(i, i + n)));
      i += n;
    } else if (code < 0x14 && code > 0x0b) {
      const n = 0x14 - code;
      const v = bigFrom(b.subarray(i, i + n));
      out.push(v - ((1n << BigInt(8 * n)) - 1n));
      i += n;
    } else if (code === 0x1d) {
      const n = b[i++];
      out.push(bigFrom(b.subarray(i, i + n)));
      i += n;
    } else if (code === 0x0b) {
      const n = b[i++] ^ 0xff;
      const v = bigFrom(b.subarray(i, i + n));
      out.push(v - ((1n << BigInt(8 * n)) - 1n));
      i += n;
    } else throw new Error(`unknown key part code ${code}`);
  }
  return out;
}

/** Decodes a stored value by its encoding. */
export function decodeKvValue(v: Uint8Array, encoding: number): unknown {
  if (encoding === 1) return v8.deserialize(v);
  if (encoding === 2) {
    return new Deno.KvU64(
      new DataView(v.buffer, v.byteOffset).getBigUint64(0, true),
    );
  }
  if (encoding === 3) return new Uint8Array(v);
  throw new Error(`unknown value encoding ${encoding}`);
}

/** True when `path` is a local KV file (not `:memory:`, not a URL). */
export function isLocalFile(path?: string): path is string {
  return !!path && path !== ":memory:" && !/^https?:\/\//.test(path);
}

/** Every live entry of the local KV file at `path`, from one snapshot. */
export function snapshotFile(path: string): SnapEntry[] {
  const db = new DatabaseSync(path, { readOnly: true });
  try {
    const now = Date.now();
    const rows = db.prepare(
      "SELECT k, v, v_encoding, expiration_ms FROM kv ORDER BY k",
    ).all() as {
      k: Uint8Array;
      v: Uint8Array;
      v_encoding: number;
      expiration_ms: number;
    }[];
    const out: SnapEntry[] = [];
    for (const r of rows) {
      const x = Number(r.expiration_ms);
      if (x >= 0 && x <= now) continue; // expired: KV no longer shows it
      const e: SnapEntry = {
        key: decodeKvKey(r.k),
        value: decodeKvValue(r.v, Number(r.v_encoding)),
      };
      if (x >= 0) e.expiresAt = x;
      out.push(e);
    }
    return out;
  } finally {
    db.close();
  }
}

/** Every entry through `kv.list` (any backend; not a snapshot). */
export async function listAll(kv: Deno.Kv): Promise<SnapEntry[]> {
  const out: SnapEntry[] = [];
  for await (const e of kv.list({ prefix: [] }, { batchSize: 500 })) {
    out.push({ key: e.key, value: e.value });
  }
  return out;
}
