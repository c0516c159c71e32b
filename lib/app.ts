/**
 * The RT Messenger app factory: loads routes and islands, builds or loads
 * client bundles, wires the global middleware (security headers, static
 * files, body limit, same-origin rule, session) and the app's services.
 * @module
 */
import { Hono } from "hono";
import type { Config } from "./config.ts";
import { EventBus } from "./events.ts";
import { createFanout } from "./fanout/mod.ts";
import { ForbiddenError, PayloadTooLargeError } from "./errors.ts";
import { configuredProviders } from "./auth/oauth/providers.ts";
import { buildClient, type ClientBuild, readBuild } from "./web/bundle.ts";
import { loadManifest } from "./web/manifest.ts";
import {
  buildRouter,
  errorResponse,
  type HonoVars,
  notFound,
  type RequestEnv,
} from "./web/router.ts";
import {
  isSameOrigin,
  isUnsafeMethod,
  newNonce,
  setNoStore,
  setSecurityHeaders,
  setTransportSecurity,
} from "./web/security.ts";
import { compressResponse } from "./web/compression.ts";
import { resolveSession } from "./auth/session_cookie.ts";
import { StaticFiles } from "./web/static_files.ts";
import { startMailService } from "./mail/service.ts";
import { startDigestPlanner } from "./mail/digest_planner.ts";
import { startSweeper } from "./files/sweep.ts";
import { runStartupSteps } from "./startup_steps.ts";
import type { AppDeps, State } from "./web/types.ts";

/** How to get client bundles: build now in memory, or read `_build/`. */
export type AssetMode = "memory" | "prebuilt";

/** Options of {@link createApp}. */
export interface AppOptions {
  config: Config;
  kv: Deno.Kv;
  /** Project folder holding routes/, islands/, static/ (default: this repo). */
  root?: string;
  assets?: AssetMode;
  dev?: boolean;
  /**
   * Scope of cross-instance events: the BroadcastChannel or Redis channel
   * name (default `rt-messenger`); null disables fanout.
   */
  channelName?: string | null;
}

/** A running app: the request handler and its shutdown. */
export interface App {
  deps: AppDeps;
  handler(req: Request, info: { remoteAddr: Deno.Addr }): Promise<Response>;
  close(): Promise<void>;
}

/** The repository root (the folder holding main.ts). */
export const PROJECT_ROOT = new URL("..", import.meta.url).pathname.replace(
  /\/$/,
  "",
);

const builds = new Map<string, Promise<ClientBuild>>();

async function clientBuild(
  root: string,
  islandFiles: string[],
  mode: AssetMode,
  dev: boolean,
) {
  if (mode === "prebuilt") {
    const build = await readBuild(`${root}/_build`);
    if (!build) {
      throw new Error("No _build/ found: run `deno task build` first.");
    }
    return build;
  }
  const key = `${root}|${dev}`;
  let build = builds.get(key);
  if (!build) {
    build = buildClient(root, islandFiles, { dev });
    builds.set(key, build);
    build.catch(() => builds.delete(key));
  }
  return await build;
}

/** Creates the app. */
export async function createApp(options: AppOptions): Promise<App> {
  const { config, kv } = options;
  // Fails at start-up on an insecure or malformed sign-in provider URL.
  configuredProviders(config);
  const root = options.root ?? PROJECT_ROOT;
  const closers: (() => void | Promise<void>)[] = [];
  const channel = options.channelName === undefined
    ? "rt-messenger"
    : options.channelName;
  const bus = new EventBus(
    channel === null ? null : await createFanout(config.fanout, channel, kv),
  );
  closers.push(() => bus.close());
  const deps: AppDeps = { kv, config, bus, onClose: (fn) => closers.push(fn) };

  await runStartupSteps(kv);
  const manifest = await loadManifest(root);
  const build = await clientBuild(
    root,
    manifest.islandFiles,
    options.assets ?? "memory",
    options.dev ?? false,
  );
  const statics = new StaticFiles();
  await statics.addDir(`${root}/static`);
  for (const [path, body] of build.files) {
    await statics.add(path, body, true, build.variants?.get(path));
  }
  const routed = buildRouter(manifest, deps, build.assets);

  const app = new Hono<{ Bindings: RequestEnv; Variables: HonoVars }>({
    strict: false,
  });
  app.use(async (c, next) => {
    const state: State = { nonce: newNonce() };
    c.set("state", state);
    try {
      await next();
      if (c.error) {
        c.res = await errorResponse(routed, c.req.raw, c.error, state);
      }
    } catch (err) {
      c.res = await errorResponse(routed, c.req.raw, err, state);
    }
    if (c.res.status === 101) return;
    const res = c.res;
    setSecurityHeaders(res.headers, state.nonce);
    setTransportSecurity(res.headers, config.appUrl);
    setNoStore(res.headers, new URL(c.req.url).pathname, !!state.user);
    c.res = undefined;
    c.res = await compressResponse(c.req.raw, res);
  });
  app.use(async (c, next) => {
    const req = c.req.raw;
    if (req.method === "GET" || req.method === "HEAD") {
      const res = statics.serve(req, new URL(req.url).pathname);
      if (res) return c.res = res;
    }
    const path = new URL(req.url).pathname;
    const routeConfig = routed.configs.find((r) =>
      r.pattern.test({ pathname: path })
    )
      ?.config;
    const length = Number(req.headers.get("content-length") ?? 0);
    const limit = routeConfig?.maxBodyBytes ??
      Math.max(config.maxBodyBytes, config.maxImportBytes);
    if (length > limit) throw new PayloadTooLargeError();
    if (
      isUnsafeMethod(req.method) && !routeConfig?.skipOriginCheck &&
      !isSameOrigin(req, config.appUrl)
    ) {
      throw new ForbiddenError("Cross-site request refused.", "cross_site");
    }
    const signedIn = await resolveSession(kv, config, req);
    if (signedIn) Object.assign(c.get("state"), signedIn);
    await next();
  });
  app.route("/", routed.routes);
  app.notFound((c) => notFound(routed, c.req.raw, c.get("state")));
  app.onError((err) => {
    throw err;
  });

  const mail = startMailService(deps);
  startDigestPlanner(deps, mail.sender);
  deps.onClose(startSweeper(kv, config.uploadOrphanMs));
  return {
    deps,
    handler: (req, info) => {
      const addr = info.remoteAddr as Deno.NetAddr;
      return Promise.resolve(
        app.fetch(req, { remoteAddr: addr.hostname ?? "unknown" }),
      );
    },
    close: async () => {
      for (const fn of closers.reverse()) await fn();
    },
  };
}
