/**
 * Connection limits for the standalone server (`main.ts`): an accept loop in
 * front of the HTTP handler, because `Deno.serve` offers no per-connection
 * hook and dies when `accept()` runs out of descriptors.
 *
 * - at most `maxConnections` open connections (derived from the process's
 *   descriptor limit when not set) and `maxPerIp` per client address; over
 *   a cap a new connection gets `503` + `Connection: close` at once;
 * - a connection that sends no request for `idleMs` (first request or
 *   between keep-alive requests) is closed; a request in progress or an
 *   upgraded WebSocket is never cut;
 * - `accept()` failing (EMFILE/ENFILE …) waits a moment and goes on: the
 *   server never exits because of a client.
 *
 * HTTP runs through `Deno.serveHttp` on each accepted connection (present in
 * Deno 2.9 though hidden from its types; {@link canGuardConnections} says
 * whether it is there, e.g. not on Deno Deploy, whose platform has its own
 * limits).
 * @module
 */
import { socketClosed, watchUpgrades } from "./upgrade_tracking.ts";

/** The caps. */
export interface ConnectionLimits {
  maxConnections: number;
  maxPerIp: number;
  idleMs: number;
}

/** What the handler receives besides the request (as with Deno.serve). */
export interface ConnInfo {
  remoteAddr: Deno.NetAddr;
}

/** A running guarded server. */
export interface GuardedServer {
  addr: Deno.NetAddr;
  /** Open connections now, overall. */
  openConnections(): number;
  /** Stops accepting, closes every connection. */
  shutdown(): Promise<void>;
}

interface RequestEvent {
  request: Request;
  respondWith(r: Response | Promise<Response>): Promise<void>;
}
interface HttpConn extends AsyncIterable<RequestEvent> {
  close(): void;
}
type ServeHttp = (conn: Deno.Conn) => HttpConn;

const serveHttp = (Deno as unknown as { serveHttp?: ServeHttp }).serveHttp;

/** True when this runtime lets us guard connections ourselves. */
export function canGuardConnections(): boolean {
  return typeof serveHttp === "function";
}

/** Descriptors kept free for KV, SMTP, files and refusing connections. */
export const RESERVED_DESCRIPTORS = 64;

/**
 * The soft limit on open descriptors (Linux `/proc/self/limits`), or
 * undefined when it cannot be read.
 */
export function descriptorLimit(): number | undefined {
  try {
    const text = Deno.readTextFileSync("/proc/self/limits");
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(text);
    if (!m) return undefined;
    return m[1] === "unlimited" ? Infinity : Number(m[1]);
  } catch {
    return undefined;
  }
}

/**
 * Caps from the configuration: `MAX_CONNECTIONS` (0 = derived: three
 * quarters of the descriptors left after {@link RESERVED_DESCRIPTORS}, 768
 * when the limit is unknown), `MAX_CONNECTIONS_PER_IP` (0 = a quarter of
 * that, between 8 and 256), `HTTP_IDLE_TIMEOUT_MS`.
 */
export function deriveLimits(
  config: {
    maxConnections: number;
    maxConnectionsPerIp: number;
    httpIdleMs: number;
  },
  fdLimit = descriptorLimit(),
): ConnectionLimits {
  const usable = fdLimit === undefined
    ? 1024 - RESERVED_DESCRIPTORS
    : Math.min(fdLimit, 1 << 20) - RESERVED_DESCRIPTORS;
  const maxConnections = config.maxConnections ||
    Math.max(8, Math.floor(usable * 0.75));
  const maxPerIp = config.maxConnectionsPerIp ||
    Math.min(256, Math.max(8, Math.floor(maxConnections / 4)));
  return { maxConnections, maxPerIp, idleMs: config.httpIdleMs };
}

const REFUSAL = new TextEncoder().encode(
  "HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n" +
    "Retry-After: 5\r\nContent-Type: text/plain\r\nContent-Length: 21\r\n\r\n" +
    "Too many connections.",
);

/** Serves `handler` on `hostname:port` under `limits`. */
export function serveGuarded(
  options: { hostname: string; port: number },
  limits: ConnectionLimits,
  handler: (req: Request, info: ConnInfo) => Response | Promise<Response>,
): GuardedServer {
  if (!serveHttp) throw new Error("Deno.serveHttp is not available");
  const listener = Deno.listen({
    hostname: options.hostname,
    port: options.port,
  });
  const perIp = new Map<string, number>();
  const closers = new Set<() => void>();
  let open = 0;
  let stopped = false;

  const refuse = (conn: Deno.Conn) => {
    conn.write(REFUSAL).catch(() => {}).finally(() => {
      try {
        conn.close();
      } catch { /* gone */ }
    });
  };

  const track = (conn: Deno.Conn, ip: string) => {
    open++;
    perIp.set(ip, (perIp.get(ip) ?? 0) + 1);
    new TrackedConnection(serveHttp!(conn), conn.remoteAddr as Deno.NetAddr, {
      limits,
      handler,
      closers,
      release: () => {
        open--;
        const left = (perIp.get(ip) ?? 1) - 1;
        if (left > 0) perIp.set(ip, left);
        else perIp.delete(ip);
      },
    }).serve();
  };

  (async () => {
    while (!stopped) {
      let conn: Deno.Conn;
      try {
        conn = await listener.accept();
      } catch (err) {
        if (stopped || err instanceof Deno.errors.BadResource) break;
        // Out of descriptors (or a transient error): never exit for it.
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      const ip = (conn.remoteAddr as Deno.NetAddr).hostname;
      if (
        open >= limits.maxConnections ||
        (perIp.get(ip) ?? 0) >= limits.maxPerIp
      ) {
        refuse(conn);
        continue;
      }
      track(conn, ip);
    }
  })();

  return {
    addr: listener.addr as Deno.NetAddr,
    openConnections: () => open,
    shutdown() {
      stopped = true;
      try {
        listener.close();
      } catch { /* closed */ }
      for (const close of [...closers]) close();
      return Promise.resolve();
    },
  };
}

/** What a tracked connection shares with its server. */
interface Shared {
  limits: ConnectionLimits;
  handler: (req: Request, info: ConnInfo) => Response | Promise<Response>;
  closers: Set<() => void>;
  /** The connection and its sockets are gone: count it out. */
  release(): void;
}

/**
 * One accepted connection: its requests, its idle timer and the WebSockets
 * upgraded from it. State lives in fields and methods rather than closures,
 * and nothing keeps a request once answered, so an upgraded socket (open for
 * hours) costs little memory (bench/memory.ts).
 */
class TrackedConnection {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #active = 0;
  #sockets = 0;
  #ended = false;
  #released = false;
  readonly close = () => {
    try {
      this.http.close();
    } catch { /* already closed */ }
  };

  constructor(
    readonly http: HttpConn,
    readonly remoteAddr: Deno.NetAddr,
    readonly shared: Shared,
  ) {}

  /** Answers requests until the connection ends. */
  async serve(): Promise<void> {
    this.shared.closers.add(this.close);
    this.#arm();
    try {
      for await (const ev of this.http) this.#request(ev);
    } catch {
      // A broken connection (reset, bad request line …).
    } finally {
      this.#ended = true;
      this.#release();
    }
  }

  #request(ev: RequestEvent): void {
    this.#active++;
    this.#stopTimer();
    watchUpgrades(ev.request, (socket) => this.#upgraded(socket));
    Promise.resolve()
      .then(() =>
        this.shared.handler(ev.request, { remoteAddr: this.remoteAddr })
      )
      .then(
        (res) => ev.respondWith(res),
        () => ev.respondWith(new Response("Internal error", { status: 500 })),
      )
      .catch(() => {}) // client gone mid-answer
      .finally(() => {
        this.#active--;
        this.#arm();
      });
  }

  #upgraded(socket: WebSocket): void {
    this.#sockets++;
    socketClosed(socket).then(() => {
      this.#sockets--;
      this.#release();
    });
  }

  #stopTimer(): void {
    if (this.#timer === undefined) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Closes the connection after `idleMs` without a request or socket. */
  #arm(): void {
    this.#stopTimer();
    if (this.#active === 0 && this.#sockets === 0) {
      this.#timer = setTimeout(this.close, this.shared.limits.idleMs);
    }
  }

  #release(): void {
    if (this.#released || !this.#ended || this.#sockets > 0) return;
    this.#released = true;
    this.#stopTimer();
    this.shared.closers.delete(this.close);
    this.shared.release();
  }
}
