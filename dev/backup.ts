/**
 * `deno task backup FILE`: writes every KV record to FILE (gzip JSON lines
 * with a header of version and counts) while the server keeps running.
 * The store is `KV_PATH` (default ./data/rt.kv; an http(s) URL for KV Connect).
 * @module
 */
import { loadConfig } from "../lib/config.ts";
import { openKv } from "../lib/kv.ts";
import { takeBackup } from "../lib/backup/mod.ts";

const file = Deno.args[0];
if (!file) {
  console.error("usage: deno task backup FILE");
  Deno.exit(2);
}
const { kvPath } = loadConfig();
const kv = await openKv(kvPath);
try {
  const { bytes, header } = await takeBackup(kvPath, kv);
  await Deno.writeFile(file, bytes);
  console.log(
    `backup: ${header.count} entries (${header.source}) → ${file} (${bytes.length} bytes)`,
  );
} finally {
  kv.close();
}
