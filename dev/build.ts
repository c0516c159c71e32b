/**
 * `deno task build`: bundles the islands into `_build/` for production and
 * Deno Deploy (where esbuild cannot run a subprocess).
 * @module
 */
import { PROJECT_ROOT } from "../lib/app.ts";
import { buildClient, writeBuild } from "../lib/web/bundle.ts";
import { loadManifest } from "../lib/web/manifest.ts";

const { islandFiles } = await loadManifest(PROJECT_ROOT);
const build = await buildClient(PROJECT_ROOT, islandFiles);
await Deno.remove(`${PROJECT_ROOT}/_build`, { recursive: true }).catch(
  () => {},
);
await writeBuild(build, `${PROJECT_ROOT}/_build`);
console.log(`Built ${build.files.size} client files into _build/`);
