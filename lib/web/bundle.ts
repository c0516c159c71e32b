/**
 * Client bundles: esbuild with automatic JSX, code splitting and
 * content-hashed names. Used at start-up (in memory) and by `deno task build`.
 * @module
 */
import type { ClientAssets } from "./render.ts";
import { type Encoding, precompress } from "./compression.ts";
import type { Variants } from "./static_files.ts";

const SUFFIX: Record<Encoding, string> = { br: ".br", gzip: ".gz" };

/** Public URL prefix of bundled files. */
export const BUNDLE_PREFIX = "/_rt/js/";

/** A finished client build. */
export interface ClientBuild {
  assets: ClientAssets;
  /** URL path → file contents. */
  files: Map<string, Uint8Array>;
  /** URL path → precompressed variants (prebuilt builds). */
  variants?: Map<string, Variants>;
}

/** Serialisable form of a build's asset map (for `_build/manifest.json`). */
export interface BuildManifest {
  runtime: string;
  islands: Record<string, string>;
}

/** Bundles the runtime and the given island files with esbuild. */
export async function buildClient(
  root: string,
  islandFiles: string[],
  { dev = false } = {},
): Promise<ClientBuild> {
  const esbuild = await import("esbuild");
  const runtimePath = new URL("./client/runtime.ts", import.meta.url).pathname;
  const entryPoints: Record<string, string> = { runtime: runtimePath };
  for (const file of islandFiles) {
    const name = file.replace(/^.*\//, "").replace(/\.(tsx|ts|jsx|js)$/, "");
    entryPoints[`island-${name}`] = file;
  }
  const outdir = `${root}/_rt_out`;
  try {
    const result = await esbuild.build({
      entryPoints,
      bundle: true,
      splitting: true,
      format: "esm",
      platform: "browser",
      target: ["es2022"],
      jsx: "automatic",
      jsxImportSource: "preact",
      minify: !dev,
      sourcemap: dev ? "inline" : false,
      write: false,
      metafile: true,
      outdir,
      entryNames: "[name]-[hash]",
      chunkNames: "chunk-[hash]",
      absWorkingDir: root,
      logLevel: "silent",
    });
    const files = new Map<string, Uint8Array>();
    for (const out of result.outputFiles) {
      files.set(
        BUNDLE_PREFIX + out.path.slice(outdir.length + 1),
        out.contents,
      );
    }
    const islands = new Map<string, string>();
    let runtime = "";
    for (const [out, meta] of Object.entries(result.metafile!.outputs)) {
      if (!meta.entryPoint) continue;
      const url = BUNDLE_PREFIX + out.replace(/^.*\//, "");
      const abs = new URL(meta.entryPoint, `file://${root}/`).pathname;
      const entry = Object.entries(entryPoints).find(([, path]) =>
        path === abs
      );
      if (!entry) continue;
      if (entry[0] === "runtime") runtime = url;
      else islands.set(entry[0].slice("island-".length), url);
    }
    return { assets: { runtime, islands }, files };
  } finally {
    await esbuild.stop();
  }
}

/** Writes a build to `dir` (used by `deno task build`). */
export async function writeBuild(
  build: ClientBuild,
  dir: string,
): Promise<void> {
  await Deno.mkdir(`${dir}/js`, { recursive: true });
  for (const [url, contents] of build.files) {
    const file = `${dir}/js/${url.slice(BUNDLE_PREFIX.length)}`;
    await Deno.writeFile(file, contents);
    // Precompressed at the best quality, served as they are.
    const variants = precompress(contents);
    for (const enc of ["br", "gzip"] as const) {
      await Deno.writeFile(file + SUFFIX[enc], variants[enc]);
    }
  }
  const manifest: BuildManifest = {
    runtime: build.assets.runtime,
    islands: Object.fromEntries(build.assets.islands),
  };
  await Deno.writeTextFile(
    `${dir}/manifest.json`,
    JSON.stringify(manifest, null, 2),
  );
}

/** Reads a build written by {@link writeBuild}; undefined when absent. */
export async function readBuild(dir: string): Promise<ClientBuild | undefined> {
  let manifest: BuildManifest;
  try {
    manifest = JSON.parse(await Deno.readTextFile(`${dir}/manifest.json`));
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  const files = new Map<string, Uint8Array>();
  const variants = new Map<string, Variants>();
  for await (const e of Deno.readDir(`${dir}/js`)) {
    const contents = await Deno.readFile(`${dir}/js/${e.name}`);
    const enc = (Object.keys(SUFFIX) as Encoding[]).find((k) =>
      e.name.endsWith(SUFFIX[k])
    );
    if (!enc) {
      files.set(BUNDLE_PREFIX + e.name, contents);
      continue;
    }
    const url = BUNDLE_PREFIX + e.name.slice(0, -SUFFIX[enc].length);
    variants.set(url, { ...variants.get(url), [enc]: contents });
  }
  return {
    variants,
    assets: {
      runtime: manifest.runtime,
      islands: new Map(Object.entries(manifest.islands)),
    },
    files,
  };
}
