/**
 * Client bundle sizes: for each island in `_build/manifest.json`, the island
 * file plus every chunk it imports (transitively), raw and gzipped.
 * Run `deno task build` first, then
 * `deno run --allow-read dev/bundle_size.ts [island] [dir]`.
 * @module
 */
const dir = Deno.args[1] ?? "_build";
const only = Deno.args[0];

async function gzipSize(bytes: Uint8Array): Promise<number> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return (await new Response(stream).arrayBuffer()).byteLength;
}

const files = new Map<string, Uint8Array>();
for await (const e of Deno.readDir(`${dir}/js`)) {
  files.set(e.name, await Deno.readFile(`${dir}/js/${e.name}`));
}
const dec = new TextDecoder();
function closure(name: string, seen = new Set<string>()): Set<string> {
  if (seen.has(name)) return seen;
  seen.add(name);
  const text = dec.decode(files.get(name));
  for (const m of text.matchAll(/from\s*"\.\/([^"]+\.js)"/g)) {
    closure(m[1], seen);
  }
  for (const m of text.matchAll(/import\s*"\.\/([^"]+\.js)"/g)) {
    closure(m[1], seen);
  }
  return seen;
}
for (const name of [...files.keys()].filter((n) => n.startsWith("island-"))) {
  const island = name.replace(/^island-|-[A-Z0-9]+\.js$/g, "");
  if (only && island !== only) continue;
  const all = closure(name);
  let raw = 0;
  const parts: Uint8Array[] = [];
  for (const f of all) {
    raw += files.get(f)!.length;
    parts.push(files.get(f)!);
  }
  const joined = new Uint8Array(raw);
  let off = 0;
  for (const p of parts) {
    joined.set(p, off);
    off += p.length;
  }
  console.log(
    `${island}: ${all.size} files, ${(raw / 1024).toFixed(1)} KiB raw, ${
      ((await gzipSize(joined)) / 1024).toFixed(1)
    } KiB gzip`,
  );
}
