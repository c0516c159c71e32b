/**
 * Backup and restore of the whole store (issue 15 item 6), used by
 * `deno task backup FILE` and `deno task restore FILE [--force]`.
 * @module
 */
import {
  type BackupHeader,
  BackupRefused,
  readBackup,
  writeBackup,
} from "./file.ts";
import {
  isLocalFile,
  listAll,
  type SnapEntry,
  snapshotFile,
} from "./snapshot.ts";

export { type BackupHeader, BackupRefused };

/** Most mutations and (estimated) bytes per restore atomic (KV: 1,000 / 800 KiB). */
const MAX_OPS = 500;
const MAX_BYTES = 512 * 1024;

/**
 * Takes a backup of the store at `kvPath` (a point-in-time snapshot for a
 * local file; `kv.list` through `kv` otherwise). The server may keep running.
 */
export async function takeBackup(
  kvPath: string | undefined,
  kv: Deno.Kv,
): Promise<{ bytes: Uint8Array; header: BackupHeader }> {
  if (isLocalFile(kvPath)) {
    return await writeBackup(snapshotFile(kvPath), "sqlite-snapshot");
  }
  return await writeBackup(await listAll(kv), "list");
}

/** What a restore did. */
export interface RestoreResult {
  header: BackupHeader;
  written: number;
  /** Entries whose expiry had passed (not written). */
  expired: number;
}

/**
 * Verifies the file completely, then writes every entry into `kv`, which
 * must be empty unless `force`. Throws BackupRefused before writing anything
 * when the file or the target is refused.
 */
export async function restoreBackup(
  kv: Deno.Kv,
  bytes: Uint8Array,
  { force = false } = {},
): Promise<RestoreResult> {
  const { header, entries } = await readBackup(bytes);
  if (!force) {
    for await (const _ of kv.list({ prefix: [] }, { limit: 1 })) {
      throw new BackupRefused(
        "the target store is not empty; restore into an empty store, or pass --force to write over it",
      );
    }
  }
  const now = Date.now();
  const live = entries.filter((e) =>
    e.expiresAt === undefined || e.expiresAt > now
  );
  let op = kv.atomic(), ops = 0, bytesInOp = 0;
  const flush = async () => {
    if (ops === 0) return;
    const res = await op.commit();
    if (!res.ok) throw new Error("restore: a batch did not commit");
    op = kv.atomic();
    ops = 0;
    bytesInOp = 0;
  };
  for (const e of live) {
    const size = estimate(e);
    if (ops >= MAX_OPS || bytesInOp + size > MAX_BYTES) await flush();
    op.set(
      e.key,
      e.value,
      e.expiresAt === undefined
        ? undefined
        : { expireIn: Math.max(1, e.expiresAt - Date.now()) },
    );
    ops++;
    bytesInOp += size;
  }
  await flush();
  await verify(kv, live);
  return {
    header,
    written: live.length,
    expired: entries.length - live.length,
  };
}

function estimate(e: SnapEntry): number {
  try {
    return JSON.stringify(
      [e.key, e.value],
      (_k, v) =>
        typeof v === "bigint"
          ? v.toString()
          : v instanceof Uint8Array
          ? v.length
          : v,
    ).length + 64;
  } catch {
    return 64 * 1024;
  }
}

async function verify(kv: Deno.Kv, entries: SnapEntry[]): Promise<void> {
  let missing = 0;
  for (let i = 0; i < entries.length; i += 100) {
    const chunk = entries.slice(i, i + 100);
    const reads = [];
    for (let j = 0; j < chunk.length; j += 10) {
      reads.push(kv.getMany(chunk.slice(j, j + 10).map((e) => e.key)));
    }
    for (const r of (await Promise.all(reads)).flat()) {
      if (r.versionstamp === null) missing++;
    }
  }
  if (missing > 0) {
    throw new Error(`restore: ${missing} entries did not read back`);
  }
}
