/**
 * Types of the Fresh-style web layer: handlers, route context, page props.
 * @module
 */
import type { ComponentType, JSX } from "preact";
import type { Config } from "../config.ts";
import type { EventBus } from "../events.ts";
import type { User } from "../auth/users.ts";
import type { Session } from "../auth/sessions.ts";

/** App-wide dependencies, built once by `createApp`. */
export interface AppDeps {
  kv: Deno.Kv;
  config: Config;
  /** Cross-instance event bus (`room:<id>`, `user:<username>` topics). */
  bus: EventBus;
  /** Registers cleanup run by `App.close()` (timers, loops, channels). */
  onClose(fn: () => void | Promise<void>): void;
}

/** Per-request state; middlewares fill it. */
export interface State {
  /** CSP nonce for the boot script. */
  nonce: string;
  /** The signed-in user, when there is one. */
  user?: User;
  session?: Session;
  [key: string]: unknown;
}

/** What a handler or middleware receives besides the request. */
export interface RouteContext<Data = unknown, S extends State = State> {
  url: URL;
  params: Record<string, string>;
  state: S;
  deps: AppDeps;
  /** The client's IP address (for rate limits). */
  remoteAddr: string;
  /** Renders the route's page component with `data`. */
  render(data?: Data, init?: ResponseInit): Promise<Response>;
  /** Renders the `_404` page. */
  renderNotFound(): Promise<Response>;
  /** Middleware only: runs the rest of the chain. */
  next(): Promise<Response>;
}

/** A request handler. */
export type Handler<Data = unknown, S extends State = State> = (
  req: Request,
  ctx: RouteContext<Data, S>,
) => Response | Promise<Response>;

/** HTTP methods a route may handle. */
export type Method = "GET" | "HEAD" | "POST" | "PUT" | "PATCH" | "DELETE";

/** Per-method handlers; missing methods answer 405. */
export type Handlers<Data = unknown, S extends State = State> = Partial<
  Record<Method, Handler<Data, S>>
>;

/** Props of a page component. */
export interface PageProps<Data = unknown, S extends State = State> {
  data: Data;
  params: Record<string, string>;
  url: URL;
  state: S;
}

/** Props of `_app.tsx` and `_layout.tsx`: the inner component to render. */
export interface LayoutProps<S extends State = State>
  extends PageProps<unknown, S> {
  Component: ComponentType<Record<string, never>>;
}

/** Props of `_error.tsx`. */
export interface ErrorPageProps extends PageProps<unknown> {
  status: number;
  message: string;
}

/** Optional per-route settings: `export const config: RouteConfig`. */
export interface RouteConfig {
  /** Skip the same-origin check for unsafe methods (e.g. one-click unsubscribe). */
  skipOriginCheck?: boolean;
  /** Largest accepted body in bytes for this route (default `Config.maxBodyBytes`). */
  maxBodyBytes?: number;
}

/** A route module as loaded from `routes/`. */
export interface RouteModule {
  handler?: Handler | Handlers;
  default?: ComponentType<PageProps> | ((props: PageProps) => JSX.Element);
  config?: RouteConfig;
}
