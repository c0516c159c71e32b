/**
 * `deno task restore FILE [--force]`: verifies FILE completely (gzip
 * integrity, version, counts, SHA-256), then writes it into the store at
 * `KV_PATH`, which must be empty unless `--force`. A refused file writes
 * nothing and exits with status 1 and the reason.
 * @module
 */
import { loadConfig } from "../lib/config.ts";
import { openKv } from "../lib/kv.ts";
import { BackupRefused, restoreBackup } from "../lib/backup/mod.ts";

const force = Deno.args.includes("--force");
const file = Deno.args.find((a) => !a.startsWith("--"));
if (!file) {
  console.error("usage: deno task restore FILE [--force]");
  Deno.exit(2);
}
const { kvPath } = loadConfig();
const bytes = await Deno.readFile(file);
const kv = await openKv(kvPath);
try {
  const r = await restoreBackup(kv, bytes, { force });
  console.log(
    `restore: ${r.written} entries written from ${file} (backup of ${r.header.createdAt}; ${r.expired} expired entries skipped); counts verified`,
  );
} catch (err) {
  if (!(err instanceof BackupRefused)) throw err;
  console.error(`restore refused: ${err.message}`);
  kv.close();
  Deno.exit(1);
}
kv.close();
