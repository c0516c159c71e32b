/**
 * Reads `routes/` and `islands/` into a manifest, following Fresh's file
 * naming rules. Pure path logic is exported for tests.
 * @module
 */
import type { ComponentType } from "preact";
import type { RouteModule } from "./types.ts";

/** What a file in `routes/` is. */
export type RouteKind =
  | "route"
  | "middleware"
  | "layout"
  | "app"
  | "notFound"
  | "error";

/** One file in `routes/`. */
export interface RouteEntry {
  /** Path relative to `routes/`, with `/` separators. */
  file: string;
  kind: RouteKind;
  /** Hono path pattern (for routes) or the folder's URL prefix (others). */
  pattern: string;
  module: RouteModule;
}

/** One exported island component. */
export interface IslandEntry {
  /** Island id: file name without extension plus export name. */
  id: string;
  file: string;
  exportName: string;
  component: ComponentType;
}

/** Everything the app needs from the file system. */
export interface Manifest {
  routes: RouteEntry[];
  islands: IslandEntry[];
  /** Absolute paths of island files, for bundling. */
  islandFiles: string[];
}

const SPECIAL: Record<string, RouteKind> = {
  _middleware: "middleware",
  _layout: "layout",
  _app: "app",
  _404: "notFound",
  _error: "error",
};

/** Converts a path under `routes/` to its kind and URL pattern. */
export function routePattern(
  file: string,
): { kind: RouteKind; pattern: string } {
  const parts = file.replace(/\.(tsx|ts|jsx|js)$/, "").split("/");
  const last = parts.pop()!;
  const segments: string[] = [];
  for (const part of parts) {
    if (/^\(.*\)$/.test(part)) continue; // (group) folders add no segment
    segments.push(segment(part));
  }
  const kind = SPECIAL[last] ?? "route";
  if (kind === "route" && last !== "index") segments.push(segment(last));
  const pattern = "/" + segments.join("/");
  return { kind, pattern };
}

function segment(part: string): string {
  const rest = /^\[\.\.\.(\w+)\]$/.exec(part);
  if (rest) return `:${rest[1]}{.+}`;
  const param = /^\[(\w+)\]$/.exec(part);
  if (param) return `:${param[1]}`;
  if (/[\[\]]/.test(part)) {
    throw new Error(`unsupported route segment "${part}"`);
  }
  return part;
}

/** Rank of a segment: static 0, param 1, catch-all 2. */
function rank(seg: string): number {
  return seg.includes("{.+}") ? 2 : seg.startsWith(":") ? 1 : 0;
}

/**
 * Orders route patterns so static paths match before dynamic ones and
 * catch-alls come last (compared segment by segment).
 */
export function compareRoutes(a: string, b: string): number {
  const sa = a.split("/").slice(1);
  const sb = b.split("/").slice(1);
  for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
    if (sa[i] === undefined) return -1;
    if (sb[i] === undefined) return 1;
    const d = rank(sa[i]) - rank(sb[i]);
    if (d !== 0) return d;
    if (sa[i] !== sb[i]) return sa[i] < sb[i] ? -1 : 1;
  }
  return 0;
}

async function* walk(dir: string, base = ""): AsyncGenerator<string> {
  let entries: Deno.DirEntry[] = [];
  try {
    for await (const e of Deno.readDir(dir)) entries.push(e);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return;
    throw err;
  }
  entries = entries.sort((x, y) => x.name.localeCompare(y.name));
  for (const e of entries) {
    const rel = base ? `${base}/${e.name}` : e.name;
    if (e.isDirectory) yield* walk(`${dir}/${e.name}`, rel);
    else if (
      /\.(tsx|ts|jsx|js)$/.test(e.name) && !/_test\.|\.d\.ts$/.test(e.name)
    ) yield rel;
  }
}

/** Loads routes and islands from `root` (the project folder). */
export async function loadManifest(root: string): Promise<Manifest> {
  const routes: RouteEntry[] = [];
  for await (const file of walk(`${root}/routes`)) {
    const { kind, pattern } = routePattern(file);
    const module = await import(toUrl(`${root}/routes/${file}`)) as RouteModule;
    routes.push({ file, kind, pattern, module });
  }
  const islands: IslandEntry[] = [];
  const islandFiles: string[] = [];
  for await (const file of walk(`${root}/islands`)) {
    if (file.includes("/")) continue; // helpers in sub-folders are not islands
    const path = `${root}/islands/${file}`;
    islandFiles.push(path);
    const mod = await import(toUrl(path)) as Record<string, unknown>;
    const name = file.replace(/\.(tsx|ts|jsx|js)$/, "");
    for (const [exportName, value] of Object.entries(mod)) {
      if (typeof value !== "function") continue;
      islands.push({
        id: exportName === "default" ? name : `${name}.${exportName}`,
        file: name,
        exportName,
        component: value as ComponentType,
      });
    }
  }
  return { routes, islands, islandFiles };
}

function toUrl(path: string): string {
  return path.startsWith("file:") ? path : new URL(`file://${path}`).href;
}
