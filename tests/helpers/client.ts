/**
 * A small HTTP/WebSocket client for integration tests: keeps cookies, sends
 * a same-origin `Origin` on unsafe methods, never follows redirects.
 * @module
 */

/** Request options on top of `RequestInit`. */
export interface ClientInit extends RequestInit {
  /** JSON body (sets Content-Type). */
  json?: unknown;
  /** Form body (urlencoded). */
  form?: Record<string, string>;
  /** Origin header to send; `null` sends none. Default: the server's origin. */
  origin?: string | null;
}

let counter = 0;
/** A unique, valid username for a test. */
export function uniqueName(prefix = "user"): string {
  counter++;
  return `${prefix}_${Date.now().toString(36)}${counter}`.slice(0, 32);
}

/** One signed-in (or anonymous) user agent. */
export class Client {
  readonly cookies = new Map<string, string>();
  username?: string;
  constructor(readonly base: string) {}

  /** The `Cookie` header value for this client. */
  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  /** Sends a request; stores cookies from the answer. */
  async fetch(path: string, init: ClientInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    let body = init.body;
    if (init.json !== undefined) {
      headers.set("content-type", "application/json");
      body = JSON.stringify(init.json);
    } else if (init.form) {
      headers.set("content-type", "application/x-www-form-urlencoded");
      body = new URLSearchParams(init.form).toString();
    }
    const method = (init.method ?? (body ? "POST" : "GET")).toUpperCase();
    const origin = init.origin === undefined ? this.base : init.origin;
    if (origin && !["GET", "HEAD"].includes(method) && !headers.has("origin")) {
      headers.set("origin", origin);
    }
    if (this.cookies.size) headers.set("cookie", this.cookieHeader);
    const res = await fetch(this.base + path, {
      ...init,
      method,
      headers,
      body,
      redirect: "manual",
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  /** Fetches and parses JSON, asserting nothing about the status. */
  async json<T = Record<string, unknown>>(
    path: string,
    init: ClientInit = {},
  ): Promise<{ status: number; body: T; res: Response }> {
    const res = await this.fetch(path, init);
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      res,
    };
  }

  /** Signs up through the form; throws unless it answered 303. */
  async signup(
    username = uniqueName(),
    password = "correct horse battery",
    extra: Record<string, string> = {},
  ): Promise<this> {
    const res = await this.fetch("/signup", {
      form: { username, password, ...extra },
    });
    await res.body?.cancel();
    if (res.status !== 303) {
      throw new Error(`signup ${username} answered ${res.status}`);
    }
    this.username = username;
    return this;
  }

  /** Logs in through the form; returns the response (body consumed). */
  async login(username: string, password: string): Promise<Response> {
    const res = await this.fetch("/login", { form: { username, password } });
    await res.text();
    if (res.status === 303) this.username = username;
    return res;
  }

  /** Opens a WebSocket with this client's cookies and a same-origin Origin. */
  socket(path = "/api/ws", origin: string | null = this.base): WebSocket {
    const headers: Record<string, string> = {};
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    if (origin) headers.origin = origin;
    return new WebSocket(
      this.base.replace(/^http/, "ws") + path,
      { headers } as never,
    );
  }
}

/** A new client signed up as a fresh user. */
export async function signedInClient(
  base: string,
  username?: string,
): Promise<Client> {
  return await new Client(base).signup(username);
}

/** `client`'s session (its cookies) used against another instance at `base`. */
export function sameSessionOn(client: Client, base: string): Client {
  const other = new Client(base);
  for (const [k, v] of client.cookies) other.cookies.set(k, v);
  other.username = client.username;
  return other;
}
