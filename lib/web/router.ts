/**
 * Turns a manifest into a Hono app: file routes in Fresh order, per-folder
 * middlewares and layouts, 405 for unhandled methods, `_404` and `_error`.
 * @module
 */
import { Hono } from "hono";
import type { ComponentType } from "preact";
import { h } from "preact";
import { describeError, jsonError } from "./error_response.ts";
import { compareRoutes, type Manifest, type RouteEntry } from "./manifest.ts";
import { composePage } from "./page.ts";
import { type ClientAssets, registerIslands, renderPage } from "./render.ts";
import type {
  AppDeps,
  Handler,
  Handlers,
  Method,
  PageProps,
  RouteConfig,
  RouteContext,
  State,
} from "./types.ts";
import { MethodNotAllowedError, NotFoundError } from "../errors.ts";

/** Per-request values carried through Hono. */
export interface RequestEnv {
  remoteAddr: string;
}

/** Hono variables shared between global middleware and routes. */
export type HonoVars = { state: State };

type Layout = ComponentType<Record<string, unknown>>;

const METHODS: Method[] = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"];

function folderOf(file: string): string {
  const i = file.lastIndexOf("/");
  return i < 0 ? "" : file.slice(0, i);
}

function inFolder(file: string, folder: string): boolean {
  return folder === "" || file.startsWith(folder + "/");
}

/** The routes app plus what the shell needs to render errors. */
export interface RoutedApp {
  routes: Hono<{ Bindings: RequestEnv; Variables: HonoVars }>;
  /** Route configs by Hono pattern (for the origin check). */
  configs: { pattern: URLPattern; config: RouteConfig }[];
  renderStatus(
    req: Request,
    status: number,
    message: string,
    state: State,
  ): Promise<Response>;
}

/** Builds the router from `manifest`. */
export function buildRouter(
  manifest: Manifest,
  deps: AppDeps,
  assets: ClientAssets,
): RoutedApp {
  registerIslands(manifest.islands);
  const special = (kind: RouteEntry["kind"]) =>
    manifest.routes.filter((r) => r.kind === kind);
  const middlewares = special("middleware").sort((a, b) =>
    a.file.length - b.file.length
  );
  const layoutsAll = special("layout").sort((a, b) =>
    a.file.length - b.file.length
  );
  const appShell = special("app")[0]?.module.default as unknown as
    | Layout
    | undefined;
  const notFoundPage = special("notFound")[0]?.module.default;
  const errorPage = special("error")[0]?.module.default;

  const layoutsFor = (file: string): Layout[] => {
    const list = layoutsAll.filter((l) => inFolder(file, folderOf(l.file)))
      .map((l) => l.module.default as unknown as Layout);
    return appShell ? [appShell, ...list] : list;
  };

  const html = (vnode: ReturnType<typeof h>, state: State, status = 200) => {
    const { html } = renderPage(vnode, assets, state.nonce);
    return new Response(html, {
      status,
      headers: { "content-type": "text/html; charset=utf-8" },
    });
  };

  const renderStatus = (
    req: Request,
    status: number,
    message: string,
    state: State,
  ) => {
    const url = new URL(req.url);
    const props: PageProps = { data: undefined, params: {}, url, state };
    const Page = status === 404 && notFoundPage ? notFoundPage : errorPage;
    if (!Page) return Promise.resolve(new Response(message, { status }));
    const layouts = appShell ? [appShell] : [];
    const vnode = composePage(
      Page as ComponentType<PageProps>,
      layouts,
      { ...props, status, message } as PageProps,
    );
    return Promise.resolve(html(vnode, state, status));
  };

  const routes = new Hono<{ Bindings: RequestEnv; Variables: HonoVars }>({
    strict: false,
  });
  const configs: RoutedApp["configs"] = [];
  const pages = special("route").sort((a, b) =>
    compareRoutes(a.pattern, b.pattern)
  );
  for (const entry of pages) {
    const chain = middlewares.filter((m) =>
      inFolder(entry.file, folderOf(m.file))
    )
      .map((m) => m.module.handler as Handler);
    const layouts = layoutsFor(entry.file);
    const Page = entry.module.default as ComponentType<PageProps> | undefined;
    const handler = entry.module.handler;
    if (entry.module.config) {
      configs.push({
        pattern: new URLPattern({
          pathname: entry.pattern.replace(/\{\.\+\}/g, "+"),
        }),
        config: entry.module.config,
      });
    }
    const final: Handler = (req, ctx) => {
      const method = req.method.toUpperCase() as Method;
      if (typeof handler === "function") return handler(req, ctx);
      const handlers = (handler ?? {}) as Handlers;
      const fn = handlers[method] ??
        (method === "HEAD" ? handlers.GET : undefined);
      if (fn) return fn(req, ctx);
      if (!handler && Page && (method === "GET" || method === "HEAD")) {
        return ctx.render();
      }
      const allowed = METHODS.filter((m) =>
        handlers[m] || (m === "HEAD" && handlers.GET)
      );
      if (!handler && Page) allowed.push("GET", "HEAD");
      throw Object.assign(new MethodNotAllowedError(), {
        allow: allowed.join(", "),
      });
    };
    routes.all(entry.pattern, async (c) => {
      const req = c.req.raw;
      const state = c.get("state");
      const ctx: RouteContext = {
        url: new URL(req.url),
        params: c.req.param() as Record<string, string>,
        state,
        deps,
        remoteAddr: c.env.remoteAddr,
        render: (data, init) => {
          if (!Page) throw new Error(`${entry.file} has no page component`);
          const vnode = composePage(Page, layouts, {
            data,
            params: ctx.params,
            url: ctx.url,
            state,
          });
          const res = html(vnode, state, init?.status ?? 200);
          new Headers(init?.headers).forEach((v, k) =>
            k === "set-cookie"
              ? res.headers.append(k, v)
              : res.headers.set(k, v)
          );
          return Promise.resolve(res);
        },
        renderNotFound: () => renderStatus(req, 404, "Page not found.", state),
        next: () => Promise.reject(new Error("next() is only for middlewares")),
      };
      const run = async (i: number): Promise<Response> => {
        if (i >= chain.length) return await final(req, ctx);
        return await chain[i](req, { ...ctx, next: () => run(i + 1) });
      };
      return await run(0);
    });
  }
  return { routes, configs, renderStatus };
}

/** An error response for `err`: JSON under `/api/`, else the error page. */
export async function errorResponse(
  app: RoutedApp,
  req: Request,
  err: unknown,
  state: State,
): Promise<Response> {
  const { status, message } = describeError(err);
  if (status >= 500) {
    // A path is client input: log at most its first 200 characters.
    const path = new URL(req.url).pathname;
    const shown = path.length > 200 ? `${path.slice(0, 200)}…` : path;
    console.error(`${req.method} ${shown} failed:`, err);
  }
  const res = new URL(req.url).pathname.startsWith("/api/")
    ? jsonError(err)
    : await app.renderStatus(req, status, message, state);
  const allow = (err as { allow?: string }).allow;
  if (allow !== undefined) res.headers.set("allow", allow);
  const retry = jsonError(err).headers.get("retry-after");
  if (retry) res.headers.set("retry-after", retry);
  return res;
}

/** The 404 for an unmatched path. */
export function notFound(
  app: RoutedApp,
  req: Request,
  state: State,
): Promise<Response> {
  return errorResponse(app, req, new NotFoundError("Page not found."), state);
}
