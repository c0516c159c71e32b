/**
 * The app wired to a real OpenID Provider (and optionally a GitHub
 * stand-in and a second provider standing in for Google), for OAuth
 * integration and browser tests.
 * @module
 */
import { Client } from "./client.ts";
import {
  type GitHubStandIn,
  type StandInUser,
  startGitHubStandIn,
} from "./github_standin.ts";
import {
  listenOidcProvider,
  loginAtProvider,
  type PendingOidcProvider,
} from "./oidc_provider.ts";
import { startServer, type TestServer } from "./server.ts";

/** A running app with its providers. */
export interface OAuthApp {
  server: TestServer;
  oidc: PendingOidcProvider;
  github?: GitHubStandIn;
  google?: PendingOidcProvider;
  close(): Promise<void>;
}

/** Options of {@link startOAuthApp}. */
export interface OAuthAppOptions {
  /** Also configure GitHub through a local stand-in signing in this user. */
  githubUser?: StandInUser;
  /** Also configure Google through a second local OpenID Provider. */
  google?: boolean;
  /** Configure OIDC with this (wrong) client secret. */
  oidcSecret?: string;
  env?: Record<string, string>;
}

/** Starts providers and the app, then registers the app's callbacks. */
export async function startOAuthApp(
  opts: OAuthAppOptions = {},
): Promise<OAuthApp> {
  const oidc = await listenOidcProvider();
  const google = opts.google
    ? await listenOidcProvider({
      clientId: `google-client-${crypto.randomUUID().slice(0, 8)}`,
    })
    : undefined;
  const github = opts.githubUser
    ? startGitHubStandIn(opts.githubUser)
    : undefined;
  const env: Record<string, string> = {
    OIDC_ISSUER: oidc.issuer,
    OIDC_CLIENT_ID: oidc.clientId,
    OIDC_CLIENT_SECRET: opts.oidcSecret ?? oidc.clientSecret,
    OIDC_NAME: "Test SSO",
    ...opts.env,
  };
  if (google) {
    Object.assign(env, {
      GOOGLE_CLIENT_ID: google.clientId,
      GOOGLE_CLIENT_SECRET: google.clientSecret,
      GOOGLE_ISSUER: google.issuer,
    });
  }
  if (github) {
    Object.assign(env, {
      GITHUB_CLIENT_ID: github.clientId,
      GITHUB_CLIENT_SECRET: github.clientSecret,
      GITHUB_AUTHORIZE_URL: github.authorizeUrl,
      GITHUB_TOKEN_URL: github.tokenUrl,
      GITHUB_API_URL: github.apiUrl,
    });
  }
  const server = await startServer({ env });
  oidc.configure([`${server.url}/auth/oidc/callback`]);
  google?.configure([`${server.url}/auth/google/callback`]);
  return {
    server,
    oidc,
    github,
    google,
    async close() {
      await server.close();
      await oidc.close();
      await google?.close();
      await github?.close();
    },
  };
}

/**
 * Starts a sign-in at `/auth/<provider>` with `client`, signs in at the
 * provider as `login` (or aborts) and returns the callback path to visit.
 */
export async function signInAtProvider(
  client: Client,
  path: string,
  opts: { login: string; abort?: boolean },
): Promise<string> {
  const start = await client.fetch(path);
  await start.body?.cancel();
  if (start.status !== 302) {
    throw new Error(`${path} answered ${start.status}`);
  }
  const authorize = new URL(start.headers.get("location")!);
  let callback: URL;
  if (authorize.pathname === "/login/oauth/authorize") {
    // The GitHub stand-in approves at once.
    const res = await fetch(authorize, { redirect: "manual" });
    await res.body?.cancel();
    callback = new URL(res.headers.get("location")!);
  } else {
    callback = await loginAtProvider(authorize, opts);
  }
  return callback.pathname + callback.search;
}

/** Follows one app redirect chain step: fetches the callback path. */
export async function visit(client: Client, path: string) {
  const res = await client.fetch(path);
  const body = await res.text();
  return { res, body, status: res.status };
}

/** Runs `fn` against a started app and provider, closing both afterwards. */
export async function withOAuthApp(
  fn: (app: OAuthApp) => Promise<void>,
  opts?: Parameters<typeof startOAuthApp>[0],
): Promise<void> {
  const app = await startOAuthApp(opts);
  try {
    await fn(app);
  } finally {
    await app.close();
  }
}
