/**
 * The authorization code flow with PKCE (S256), state and, for OpenID
 * Connect, nonce and a fully validated ID token (issuer, audience, nonce,
 * expiry, signature via the provider's JWKS).
 * @module
 */
import * as oauth from "oauth4webapi";
import { type Limit, reserveOrThrow, windowSlot } from "../../rate_limit.ts";
import {
  IdentityInvalidError,
  OAuthError,
  ProviderDeniedError,
  ProviderUnavailableError,
  TokenExchangeError,
} from "./errors.ts";
import { consumeFlow, createFlow, FLOW_TTL_MS } from "./flow_state.ts";
import { fetchGitHubIdentity } from "./github.ts";
import type { ProviderIdentity } from "./identity.ts";
import {
  authorizationServer,
  forgetAuthorizationServer,
  type Provider,
  requestOptions,
} from "./providers.ts";
import { safeReturnPath } from "../../web/safe_path.ts";

export type { ProviderIdentity } from "./identity.ts";

/** Result of {@link startAuthorization}. */
export interface StartedAuthorization {
  /** Where to redirect the browser (the provider's authorize endpoint). */
  url: URL;
  /** Flow record id, to put in a short-lived HttpOnly cookie. */
  flowId: string;
  /** Lifetime of the flow (for the cookie's Max-Age), in seconds. */
  maxAgeSeconds: number;
}

/** Result of {@link completeAuthorization}. */
export interface CompletedAuthorization {
  identity: ProviderIdentity;
  /** Same-origin path to go to next. */
  returnTo: string;
  /** Set when the flow was started to link the provider to this user. */
  linkingUserId?: string;
  /** The invitation token given at the start (for a new account). */
  invite?: string;
}

/**
 * Counts one started sign-in for `ip` (each leaves a KV record for 10
 * minutes) and refuses more than `max` per 10 minutes.
 * @throws TooManyRequestsError past the limit
 */
export async function limitStarts(
  kv: Deno.Kv,
  ip: string,
  max: number,
): Promise<void> {
  const limit: Limit = { max, windowMs: FLOW_TTL_MS };
  await reserveOrThrow(
    kv,
    [windowSlot("oauth_start_ip", ip, limit)],
    "Too many sign-in attempts from your network.",
  );
}

/**
 * Starts a sign-in: stores the single-use flow record (state, PKCE
 * verifier, nonce, return path, invitation) and builds the authorize URL.
 * `returnTo` is reduced to a safe same-origin path.
 */
export async function startAuthorization(
  kv: Deno.Kv,
  provider: Provider,
  opts: {
    redirectUri: string;
    returnTo?: string | null;
    linkingUserId?: string;
    /** An invitation token, kept server-side in the flow record. */
    invite?: string;
  },
): Promise<StartedAuthorization> {
  const as = await authorizationServer(provider);
  const state = oauth.generateRandomState();
  const codeVerifier = oauth.generateRandomCodeVerifier();
  const nonce = provider.kind === "oidc"
    ? oauth.generateRandomNonce()
    : undefined;
  const flowId = await createFlow(kv, {
    provider: provider.id,
    state,
    codeVerifier,
    nonce,
    returnTo: safeReturnPath(opts.returnTo),
    linkingUserId: opts.linkingUserId,
    invite: opts.invite,
  });
  const url = new URL(as.authorization_endpoint!);
  const params = url.searchParams;
  params.set("client_id", provider.clientId);
  params.set("redirect_uri", opts.redirectUri);
  params.set("response_type", "code");
  params.set("scope", provider.scope);
  params.set("state", state);
  params.set(
    "code_challenge",
    await oauth.calculatePKCECodeChallenge(codeVerifier),
  );
  params.set("code_challenge_method", "S256");
  if (nonce) params.set("nonce", nonce);
  if (provider.id === "github") params.set("allow_signup", "true");
  return { url, flowId, maxAgeSeconds: FLOW_TTL_MS / 1000 };
}

/**
 * Finishes a sign-in at the callback: consumes the flow record (so a replay
 * fails), handles a provider error, exchanges the code with the PKCE
 * verifier and returns the verified identity.
 * @param callbackUrl the full callback URL as received
 * @throws OAuthError subclasses, each with a message for the login page
 */
export async function completeAuthorization(
  kv: Deno.Kv,
  provider: Provider,
  opts: { flowId: string | undefined; callbackUrl: URL; redirectUri: string },
): Promise<CompletedAuthorization> {
  const q = opts.callbackUrl.searchParams;
  const record = await consumeFlow(
    kv,
    opts.flowId,
    provider.id,
    q.get("state"),
  );
  const as = await authorizationServer(provider);
  const client: oauth.Client = { client_id: provider.clientId };
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(as, client, q, record.state);
  } catch (err) {
    if (err instanceof oauth.AuthorizationResponseError) {
      throw new ProviderDeniedError(provider.label, err.error);
    }
    // A wrong `iss`, or a response without code.
    throw new IdentityInvalidError(provider.label);
  }
  let response: Response;
  try {
    response = await oauth.authorizationCodeGrantRequest(
      as,
      client,
      oauth.ClientSecretBasic(provider.clientSecret),
      params,
      opts.redirectUri,
      record.codeVerifier,
      { signal: AbortSignal.timeout(15_000), ...requestOptions(provider) },
    );
  } catch (err) {
    console.error(`token request to ${provider.label} failed:`, String(err));
    throw new ProviderUnavailableError(provider.label);
  }
  let tokens: oauth.TokenEndpointResponse;
  try {
    tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      response,
      {
        expectedNonce: record.nonce ?? oauth.expectNoNonce,
        requireIdToken: provider.kind === "oidc",
      },
    );
  } catch (err) {
    if (isIdTokenFailure(err)) throw new IdentityInvalidError(provider.label);
    throw new TokenExchangeError(provider.label);
  }
  const identity = provider.kind === "oidc"
    ? await oidcIdentity(as, client, provider, response, tokens)
    : await fetchGitHubIdentity(provider, tokens.access_token);
  // OIDC caps `sub` at 255 ASCII characters; it becomes part of a KV key.
  if (!identity.subject || identity.subject.length > 255) {
    throw new IdentityInvalidError(provider.label);
  }
  return {
    identity,
    returnTo: record.returnTo,
    linkingUserId: record.linkingUserId,
    invite: record.invite,
  };
}

/** True for errors about the ID token's claims (not the HTTP exchange). */
function isIdTokenFailure(err: unknown): boolean {
  return err instanceof oauth.OperationProcessingError &&
    (err.code === oauth.JWT_CLAIM_COMPARISON ||
      err.code === oauth.JWT_TIMESTAMP_CHECK);
}

async function oidcIdentity(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  provider: Provider,
  response: Response,
  tokens: oauth.TokenEndpointResponse,
): Promise<ProviderIdentity> {
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  if (!claims) throw new IdentityInvalidError(provider.label);
  // Issuer, audience, nonce and expiry were checked above; now the
  // signature against the provider's published keys.
  try {
    await oauth.validateApplicationLevelSignature(as, response, {
      signal: AbortSignal.timeout(10_000),
      ...requestOptions(provider),
    });
  } catch (err) {
    console.error(
      `ID token signature from ${provider.label} failed:`,
      String(err),
    );
    // Maybe the keys rotated: the next attempt discovers them afresh.
    forgetAuthorizationServer(provider);
    throw new IdentityInvalidError(provider.label);
  }
  let profile: Record<string, unknown> = claims;
  if (
    typeof claims.preferred_username !== "string" &&
    typeof claims.email !== "string" && as.userinfo_endpoint
  ) {
    profile = {
      ...claims,
      ...await userInfo(as, client, provider, tokens, claims.sub),
    };
  }
  return {
    provider: provider.id,
    subject: claims.sub,
    preferredUsername: str(profile.preferred_username),
    email: str(profile.email),
    name: str(profile.name),
  };
}

async function userInfo(
  as: oauth.AuthorizationServer,
  client: oauth.Client,
  provider: Provider,
  tokens: oauth.TokenEndpointResponse,
  subject: string,
): Promise<Record<string, unknown>> {
  try {
    const res = await oauth.userInfoRequest(as, client, tokens.access_token, {
      signal: AbortSignal.timeout(10_000),
      ...requestOptions(provider),
    });
    return await oauth.processUserInfoResponse(as, client, subject, res);
  } catch (err) {
    if (err instanceof OAuthError) throw err;
    // The profile only helps to pick a username; sign-in still works.
    console.error(`userinfo from ${provider.label} failed:`, String(err));
    return {};
  }
}

function str(v: unknown): string | undefined {
  return typeof v === "string" && v.length > 0 && v.length <= 320
    ? v
    : undefined;
}
