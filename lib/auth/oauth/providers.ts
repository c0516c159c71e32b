/**
 * Sign-in providers from configuration: GitHub (OAuth 2.0), Google and any
 * OpenID Connect issuer (both through discovery). Plain-http URLs are only
 * accepted on loopback hosts (local development and tests).
 * @module
 */
import * as oauth from "oauth4webapi";
import type { Config } from "../../config.ts";
import { ProviderUnavailableError } from "./errors.ts";

/** The provider ids, also the URL segment: `/auth/<id>`. */
export type ProviderId = "oidc" | "github" | "google";

/** Every provider id, in the order buttons are shown. */
export const PROVIDER_IDS: readonly ProviderId[] = ["oidc", "github", "google"];

/** One configured sign-in provider. */
export interface Provider {
  id: ProviderId;
  /** Shown to users: "GitHub", "Google" or the OIDC provider's name. */
  label: string;
  /** `oidc` validates an ID token; `github` reads the GitHub user API. */
  kind: "oidc" | "github";
  clientId: string;
  clientSecret: string;
  /** Scopes requested. */
  scope: string;
  /** OIDC issuer (discovery base); for GitHub the authorize URL's origin. */
  issuer: URL;
  /** GitHub endpoints (kind `github` only). */
  github?: { authorizeUrl: URL; tokenUrl: URL; apiUrl: URL };
  /** True when the provider runs on plain http on a loopback host. */
  insecureLoopback: boolean;
}

/** Is `hostname` (from a URL) this machine: localhost, 127/8 or ::1? */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase();
  return h === "localhost" || h.endsWith(".localhost") ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h === "[::1]";
}

/**
 * Parses a provider URL: https anywhere, http only on loopback.
 * @throws Error naming the setting when the URL is invalid or insecure
 */
export function checkEndpoint(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${what} is not a valid URL: "${raw}"`);
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return url;
  throw new Error(
    `${what} must use https (plain http only on localhost/127.0.0.1): "${raw}"`,
  );
}

type OAuthSettings = Pick<Config, "github" | "google" | "oidc">;

/**
 * The configured providers, in button order. Throws on an insecure or
 * malformed URL so a bad configuration fails at start-up.
 */
export function configuredProviders(config: OAuthSettings): Provider[] {
  const out: Provider[] = [];
  if (config.oidc) {
    const issuer = checkEndpoint(config.oidc.issuer, "OIDC_ISSUER");
    out.push({
      id: "oidc",
      label: config.oidc.name || issuer.hostname,
      kind: "oidc",
      clientId: config.oidc.clientId,
      clientSecret: config.oidc.clientSecret,
      scope: "openid profile email",
      issuer,
      insecureLoopback: issuer.protocol === "http:",
    });
  }
  if (config.github) {
    const g = config.github;
    const authorizeUrl = checkEndpoint(
      g.authorizeUrl || "https://github.com/login/oauth/authorize",
      "GITHUB_AUTHORIZE_URL",
    );
    const tokenUrl = checkEndpoint(
      g.tokenUrl || "https://github.com/login/oauth/access_token",
      "GITHUB_TOKEN_URL",
    );
    const apiUrl = checkEndpoint(
      g.apiUrl || "https://api.github.com",
      "GITHUB_API_URL",
    );
    out.push({
      id: "github",
      label: "GitHub",
      kind: "github",
      clientId: g.clientId,
      clientSecret: g.clientSecret,
      scope: "read:user",
      issuer: new URL(authorizeUrl.origin),
      github: { authorizeUrl, tokenUrl, apiUrl },
      insecureLoopback: [authorizeUrl, tokenUrl, apiUrl].some((u) =>
        u.protocol === "http:"
      ),
    });
  }
  if (config.google) {
    const issuer = checkEndpoint(
      config.google.issuer || "https://accounts.google.com",
      "GOOGLE_ISSUER",
    );
    out.push({
      id: "google",
      label: "Google",
      kind: "oidc",
      clientId: config.google.clientId,
      clientSecret: config.google.clientSecret,
      scope: "openid profile email",
      issuer,
      insecureLoopback: issuer.protocol === "http:",
    });
  }
  return out;
}

/** The provider `id` when it is configured, else undefined. */
export function findProvider(
  config: OAuthSettings,
  id: string,
): Provider | undefined {
  return configuredProviders(config).find((p) => p.id === id);
}

/** Options for oauth4webapi requests to `provider`. */
export function requestOptions(
  provider: Provider,
): { [oauth.allowInsecureRequests]?: boolean } {
  return provider.insecureLoopback
    ? { [oauth.allowInsecureRequests]: true }
    : {};
}

const DISCOVERY_TTL_MS = 60 * 60_000;
const discovered = new Map<
  string,
  { at: number; as: Promise<oauth.AuthorizationServer> }
>();

/**
 * The provider's authorization server metadata: fixed for GitHub, from
 * `/.well-known/openid-configuration` for OIDC (cached for an hour). Every
 * endpoint it names must pass {@link checkEndpoint} too.
 * @throws ProviderUnavailableError when discovery fails
 */
export function authorizationServer(
  provider: Provider,
  now = Date.now(),
): Promise<oauth.AuthorizationServer> {
  if (provider.github) {
    return Promise.resolve({
      issuer: provider.issuer.href,
      authorization_endpoint: provider.github.authorizeUrl.href,
      token_endpoint: provider.github.tokenUrl.href,
    });
  }
  const cacheKey = discoveryKey(provider);
  const hit = discovered.get(cacheKey);
  if (hit && now - hit.at < DISCOVERY_TTL_MS) return hit.as;
  const as = discover(provider);
  discovered.set(cacheKey, { at: now, as });
  as.catch(() => {
    if (discovered.get(cacheKey)?.as === as) discovered.delete(cacheKey);
  });
  return as;
}

function discoveryKey(provider: Provider): string {
  return `${provider.issuer.href} ${provider.clientId}`;
}

/** Drops the cached metadata (and so the cached JWKS) of `provider`. */
export function forgetAuthorizationServer(provider: Provider): void {
  discovered.delete(discoveryKey(provider));
}

async function discover(
  provider: Provider,
): Promise<oauth.AuthorizationServer> {
  let as: oauth.AuthorizationServer;
  try {
    const res = await oauth.discoveryRequest(provider.issuer, {
      algorithm: "oidc",
      signal: AbortSignal.timeout(10_000),
      ...requestOptions(provider),
    });
    as = await oauth.processDiscoveryResponse(provider.issuer, res);
    for (
      const name of [
        "authorization_endpoint",
        "token_endpoint",
        "jwks_uri",
        "userinfo_endpoint",
      ] as const
    ) {
      const value = as[name];
      if (name !== "userinfo_endpoint" && typeof value !== "string") {
        throw new Error(`discovery document lacks ${name}`);
      }
      if (typeof value === "string") checkEndpoint(value, name);
    }
  } catch (err) {
    console.error(
      `OIDC discovery for ${provider.issuer.href} failed:`,
      String(err),
    );
    throw new ProviderUnavailableError(provider.label);
  }
  return as;
}

/** The callback URL registered at the provider: `<appUrl>/auth/<id>/callback`. */
export function redirectUriFor(appUrl: string, provider: Provider): string {
  return `${appUrl}/auth/${provider.id}/callback`;
}

/** What pages need to show a provider button. */
export interface ProviderChoice {
  id: ProviderId;
  label: string;
}

/** The configured providers as `{id, label}`, in button order. */
export function providerChoices(
  config: Pick<Config, "github" | "google" | "oidc">,
): ProviderChoice[] {
  return configuredProviders(config).map(({ id, label }) => ({ id, label }));
}
