/**
 * The backup file: gzip-compressed JSON lines. Line 1 is the header
 * `{"format":"rt-messenger-backup","version":1,"createdAt","source","count",
 * "prefixes":{first key part: count},"sha256"}` where `sha256` covers the
 * entry lines (each followed by "\n"); then one line per entry
 * `{"k":[...],"v":...,"x"?:expiresAtMs}` in the lossless encoding of codec.ts.
 * Reading checks everything (gzip integrity, version, counts, digest, each
 * line) before anything is written.
 * @module
 */
import { decode, decodeKey, encode } from "./codec.ts";
import type { SnapEntry } from "./snapshot.ts";

/** The file format version this code writes and reads. */
export const BACKUP_VERSION = 1;
const FORMAT = "rt-messenger-backup";

/** The header line. */
export interface BackupHeader {
  format: string;
  version: number;
  createdAt: string;
  source: "sqlite-snapshot" | "list";
  count: number;
  prefixes: Record<string, number>;
  sha256: string;
}

/** A backup file that must not be restored. */
export class BackupRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackupRefused";
  }
}

/** The count key of an entry: its first key part as text. */
export const prefixOf = (key: Deno.KvKey): string => String(key[0] ?? "");

async function sha256(lines: string[]): Promise<string> {
  const enc = new TextEncoder();
  const parts = lines.map((l) => enc.encode(l + "\n"));
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    all.set(p, o);
    o += p.length;
  }
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", all));
  return [...d].map((x) => x.toString(16).padStart(2, "0")).join("");
}

/** Encodes entries into the file's bytes (gzip). */
export async function writeBackup(
  entries: SnapEntry[],
  source: BackupHeader["source"],
): Promise<{ bytes: Uint8Array; header: BackupHeader }> {
  const lines = entries.map((e) =>
    JSON.stringify(
      e.expiresAt === undefined
        ? { k: encode(e.key), v: encode(e.value) }
        : { k: encode(e.key), v: encode(e.value), x: e.expiresAt },
    )
  );
  const prefixes: Record<string, number> = {};
  for (const e of entries) {
    prefixes[prefixOf(e.key)] = (prefixes[prefixOf(e.key)] ?? 0) + 1;
  }
  const header: BackupHeader = {
    format: FORMAT,
    version: BACKUP_VERSION,
    createdAt: new Date().toISOString(),
    source,
    count: entries.length,
    prefixes,
    sha256: await sha256(lines),
  };
  const text = [JSON.stringify(header), ...lines].join("\n") + "\n";
  const stream = new Blob([text]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return {
    bytes: new Uint8Array(await new Response(stream).arrayBuffer()),
    header,
  };
}

/** Decodes and verifies a backup file; throws BackupRefused with the reason. */
export async function readBackup(
  bytes: Uint8Array,
): Promise<{ header: BackupHeader; entries: SnapEntry[] }> {
  let text: string;
  try {
    const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(
        new DecompressionStream("gzip"),
      );
    text = await new Response(stream).text();
  } catch (err) {
    throw new BackupRefused(
      `not a complete gzip file (truncated or damaged): ${
        err instanceof Error ? err.message : String(err)
      }`,
    );
  }
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  let header: BackupHeader;
  try {
    header = JSON.parse(lines[0] ?? "");
  } catch {
    throw new BackupRefused("no backup header on the first line");
  }
  if (header?.format !== FORMAT) {
    throw new BackupRefused("not an RT Messenger backup file");
  }
  if (typeof header.version !== "number" || header.version > BACKUP_VERSION) {
    throw new BackupRefused(
      `backup version ${header.version} is newer than this program's (${BACKUP_VERSION}); upgrade RT Messenger first`,
    );
  }
  const body = lines.slice(1);
  if (body.length !== header.count) {
    throw new BackupRefused(
      `the header announces ${header.count} entries but the file has ${body.length} (truncated or tampered)`,
    );
  }
  if ((await sha256(body)) !== header.sha256) {
    throw new BackupRefused(
      "the entries do not match the header's SHA-256 (tampered or damaged)",
    );
  }
  const entries: SnapEntry[] = [];
  const prefixes: Record<string, number> = {};
  body.forEach((line, i) => {
    try {
      const o = JSON.parse(line);
      const e: SnapEntry = { key: decodeKey(o.k), value: decode(o.v) };
      if (o.x !== undefined) {
        if (typeof o.x !== "number") throw new Error("bad expiry");
        e.expiresAt = o.x;
      }
      entries.push(e);
      prefixes[prefixOf(e.key)] = (prefixes[prefixOf(e.key)] ?? 0) + 1;
    } catch (err) {
      throw new BackupRefused(
        `entry ${i + 1} is malformed: ${
          err instanceof Error ? err.message : String(err)
        }`,
      );
    }
  });
  const want = header.prefixes ?? {};
  const names = new Set([...Object.keys(want), ...Object.keys(prefixes)]);
  for (const p of names) {
    if ((want[p] ?? 0) !== (prefixes[p] ?? 0)) {
      throw new BackupRefused(
        `count mismatch for "${p}": header ${want[p] ?? 0}, file ${
          prefixes[p] ?? 0
        } (tampered)`,
      );
    }
  }
  return { header, entries };
}
