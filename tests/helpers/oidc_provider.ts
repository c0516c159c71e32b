/**
 * A real OpenID Provider (`npm:oidc-provider`) for tests, on 127.0.0.1 at a
 * random port, with development interactions (login + consent forms) on and
 * one static confidential client (client_secret_basic).
 * @module
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** A running test OpenID Provider. */
export interface TestOidcProvider {
  /** Issuer URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Stops the HTTP server. */
  close(): Promise<void>;
}

/** Options for {@link startOidcProvider}. */
export interface OidcProviderOptions {
  /** Redirect URIs registered for the static client. */
  redirectUris: string[];
  clientId?: string;
  clientSecret?: string;
  /**
   * Extra claims per login name. The dev login form accepts any login and
   * password; the login becomes `sub`. By default `preferred_username` is the
   * login and `email` is `<login>@example.test`.
   */
  claims?: (login: string) => Record<string, unknown>;
}

/** A provider that listens already but registers its client later. */
export interface PendingOidcProvider extends TestOidcProvider {
  /** Registers the client's redirect URIs and starts answering. */
  configure(redirectUris: string[]): void;
}

/**
 * Listens on 127.0.0.1 (random port) first, so the issuer URL is known
 * before the app starts; call `configure` with the app's callback URL.
 */
export async function listenOidcProvider(
  opts: Omit<OidcProviderOptions, "redirectUris"> = {},
): Promise<PendingOidcProvider> {
  const server: Server = createServer();
  await new Promise<void>((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve())
  );
  const port = (server.address() as AddressInfo).port;
  const issuer = `http://127.0.0.1:${port}`;
  // A fresh client id per provider: the app caches metadata and keys per
  // issuer + client, and a later test may get the same port again.
  const clientId = opts.clientId ??
    `rt-messenger-test-${crypto.randomUUID().slice(0, 8)}`;
  const clientSecret = opts.clientSecret ??
    "test-secret-" + crypto.randomUUID();
  return {
    issuer,
    clientId,
    clientSecret,
    configure(redirectUris) {
      const provider = buildProvider(issuer, {
        ...opts,
        clientId,
        clientSecret,
        redirectUris,
      });
      server.on("request", provider.callback());
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections?.();
        server.close((err) => err ? reject(err) : resolve());
      }),
  };
}

/** Starts a real OpenID Provider on 127.0.0.1 with a random port. */
export async function startOidcProvider(
  opts: OidcProviderOptions,
): Promise<TestOidcProvider> {
  const pending = await listenOidcProvider(opts);
  pending.configure(opts.redirectUris);
  return pending;
}

function buildProvider(
  issuer: string,
  opts: OidcProviderOptions & { clientId: string; clientSecret: string },
): Provider {
  const extra = opts.claims ?? ((login: string) => ({
    preferred_username: login,
    email: `${login}@example.test`,
    email_verified: true,
  }));
  return new Provider(issuer, {
    clients: [{
      client_id: opts.clientId,
      client_secret: opts.clientSecret,
      redirect_uris: opts.redirectUris,
      token_endpoint_auth_method: "client_secret_basic",
      grant_types: ["authorization_code"],
      response_types: ["code"],
    }],
    cookies: { keys: [crypto.randomUUID()] },
    claims: {
      openid: ["sub"],
      profile: ["preferred_username", "name"],
      email: ["email", "email_verified"],
    },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
      Grant: 600,
    },
    findAccount(_ctx: unknown, sub: string) {
      return {
        accountId: sub,
        claims: () => ({ sub, ...extra(sub) }),
      };
    },
  });
}

/** A minimal cookie jar for one user agent (name → value, any origin). */
export class CookieJar {
  readonly cookies = new Map<string, string>();
  /** The `cookie` header value. */
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  /** Stores every `set-cookie` of `res` (expired ones are removed). */
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(";");
      const i = pair.indexOf("=");
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=(0|-)/i.test(a)) ||
        attrs.some((a) =>
          /^\s*expires=/i.test(a) &&
          Date.parse(a.split("=")[1]) < Date.now()
        );
      if (expired || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  /** fetch with this jar and manual redirects. */
  async fetch(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size) headers.set("cookie", this.header());
    const res = await fetch(url, { ...init, headers, redirect: "manual" });
    this.store(res);
    return res;
  }
}

/**
 * Plays the person at the provider: starting from the authorize URL, fills
 * in the dev login form (any login/password), confirms consent (or aborts,
 * which makes the provider answer `error=access_denied`), and returns the
 * URL the provider finally redirects to (the app's callback), unfollowed.
 */
export async function loginAtProvider(
  authorizeUrl: string | URL,
  opts: { login: string; abort?: boolean; jar?: CookieJar },
): Promise<URL> {
  const jar = opts.jar ?? new CookieJar();
  let url = new URL(authorizeUrl);
  const origin = url.origin;
  for (let step = 0; step < 12; step++) {
    const res = await jar.fetch(url);
    if (res.status === 303 || res.status === 302) {
      await res.body?.cancel();
      const next = new URL(res.headers.get("location")!, url);
      if (next.origin !== origin) return next;
      url = next;
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) {
      throw new Error(`provider answered ${res.status}: ${html.slice(0, 300)}`);
    }
    if (opts.abort) {
      url = new URL(url.pathname.replace(/\/$/, "") + "/abort", url);
      continue;
    }
    const isLogin = html.includes('name="login"');
    const body = isLogin
      ? new URLSearchParams({
        prompt: "login",
        login: opts.login,
        password: "any",
      })
      : new URLSearchParams({ prompt: "consent" });
    const post = await jar.fetch(url, { method: "POST", body });
    await post.body?.cancel();
    if (post.status !== 303 && post.status !== 302) {
      throw new Error(`provider form answered ${post.status}`);
    }
    const next = new URL(post.headers.get("location")!, url);
    if (next.origin !== origin) return next;
    url = next;
  }
  throw new Error("provider login did not finish in 12 steps");
}
