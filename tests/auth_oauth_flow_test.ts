/**
 * The provider flow in lib/auth/oauth against a real OpenID Provider
 * (npm:oidc-provider on 127.0.0.1) and a local GitHub stand-in.
 */
import assert from "node:assert/strict";
import {
  IdentityInvalidError,
  ProviderDeniedError,
  ProviderUnavailableError,
  StateMismatchError,
  StateMissingError,
  TokenExchangeError,
} from "../lib/auth/oauth/errors.ts";
import {
  completeAuthorization,
  startAuthorization,
} from "../lib/auth/oauth/flow.ts";
import {
  configuredProviders,
  type Provider,
} from "../lib/auth/oauth/providers.ts";
import { startGitHubStandIn } from "./helpers/github_standin.ts";
import { loginAtProvider, startOidcProvider } from "./helpers/oidc_provider.ts";

const REDIRECT = "http://127.0.0.1:8000/auth/oidc/callback";

/** Starts a sign-in at `provider` that returns to `redirectUri`. */
const start = (
  kv: Deno.Kv,
  provider: Provider,
  extra: { returnTo?: string; redirectUri?: string } = {},
) => startAuthorization(kv, provider, { redirectUri: REDIRECT, ...extra });

/** Completes flow `flowId` with the provider's `callbackUrl`. */
const finish = (
  kv: Deno.Kv,
  provider: Provider,
  flowId: string,
  callbackUrl: URL,
  redirectUri = REDIRECT,
) => completeAuthorization(kv, provider, { flowId, callbackUrl, redirectUri });

async function withOidc(
  fn: (kv: Deno.Kv, provider: Provider) => Promise<void>,
  opts: {
    clientSecret?: string;
    claims?: (l: string) => Record<string, unknown>;
  } = {},
) {
  const op = await startOidcProvider({
    redirectUris: [REDIRECT],
    claims: opts.claims,
  });
  const kv = await Deno.openKv(":memory:");
  try {
    const [provider] = configuredProviders({
      oidc: {
        issuer: op.issuer,
        clientId: op.clientId,
        clientSecret: opts.clientSecret ?? op.clientSecret,
        name: "Test SSO",
      },
    });
    await fn(kv, provider);
  } finally {
    kv.close();
    await op.close();
  }
}

Deno.test("oauth flow: OIDC authorize URL carries state, S256 challenge and nonce", () =>
  withOidc(async (kv, provider) => {
    const started = await start(kv, provider);
    const q = started.url.searchParams;
    assert.equal(started.url.origin, provider.issuer.origin);
    assert.equal(q.get("response_type"), "code");
    assert.equal(q.get("code_challenge_method"), "S256");
    assert.match(q.get("code_challenge")!, /^[A-Za-z0-9_-]{43}$/);
    assert.ok(q.get("state")!.length >= 32);
    assert.ok(q.get("nonce")!.length >= 32);
    assert.equal(q.get("redirect_uri"), REDIRECT);
    assert.equal(started.maxAgeSeconds, 600);
  }));

Deno.test("oauth flow: OIDC sign-in yields the verified identity, once", () =>
  withOidc(async (kv, provider) => {
    const started = await start(kv, provider, { returnTo: "/rooms" });
    const callbackUrl = await loginAtProvider(started.url, { login: "alice" });
    assert.equal(callbackUrl.origin + callbackUrl.pathname, REDIRECT);
    const done = await finish(kv, provider, started.flowId, callbackUrl);
    assert.equal(done.identity.provider, "oidc");
    assert.equal(done.identity.subject, "alice");
    // From userinfo: this provider keeps profile claims out of the ID token.
    assert.equal(done.identity.preferredUsername, "alice");
    assert.equal(done.identity.email, "alice@example.test");
    assert.equal(done.returnTo, "/rooms");
    // The same callback again: the flow record is gone.
    await assert.rejects(
      finish(kv, provider, started.flowId, callbackUrl),
      StateMissingError,
    );
  }));

Deno.test("oauth flow: a callback with another flow's state is refused", () =>
  withOidc(async (kv, provider) => {
    const a = await start(kv, provider);
    const b = await start(kv, provider);
    const callbackUrl = await loginAtProvider(a.url, { login: "alice" });
    await assert.rejects(
      finish(kv, provider, b.flowId, callbackUrl),
      StateMismatchError,
    );
  }));

Deno.test("oauth flow: access_denied at the provider becomes ProviderDeniedError", () =>
  withOidc(async (kv, provider) => {
    const started = await start(kv, provider);
    const callbackUrl = await loginAtProvider(started.url, {
      login: "alice",
      abort: true,
    });
    assert.equal(callbackUrl.searchParams.get("error"), "access_denied");
    const err = await finish(kv, provider, started.flowId, callbackUrl).catch((
      e,
    ) => e);
    assert.ok(err instanceof ProviderDeniedError);
    assert.equal(err.code, "oauth_provider_denied");
    assert.match(err.message, /cancelled/);
  }));

Deno.test("oauth flow: a token exchange the provider refuses becomes TokenExchangeError", () =>
  withOidc(async (kv, provider) => {
    const started = await start(kv, provider);
    const callbackUrl = await loginAtProvider(started.url, { login: "bob" });
    // Wrong client secret: the provider refuses the code exchange.
    await assert.rejects(
      finish(
        kv,
        { ...provider, clientSecret: "wrong" },
        started.flowId,
        callbackUrl,
      ),
      TokenExchangeError,
    );
  }));

Deno.test("oauth flow: a forged code is refused by the provider", () =>
  withOidc(async (kv, provider) => {
    const started = await start(kv, provider);
    const callbackUrl = new URL(REDIRECT);
    callbackUrl.searchParams.set("code", "forged-code");
    callbackUrl.searchParams.set(
      "state",
      started.url.searchParams.get("state")!,
    );
    callbackUrl.searchParams.set("iss", provider.issuer.origin);
    await assert.rejects(
      finish(kv, provider, started.flowId, callbackUrl),
      TokenExchangeError,
    );
  }));

Deno.test("oauth flow: a callback claiming another issuer is refused", () =>
  withOidc(async (kv, provider) => {
    const started = await start(kv, provider);
    const callbackUrl = await loginAtProvider(started.url, { login: "carol" });
    callbackUrl.searchParams.set("iss", "https://evil.example");
    await assert.rejects(
      finish(kv, provider, started.flowId, callbackUrl),
      IdentityInvalidError,
    );
  }));

Deno.test("oauth flow: an unreachable issuer becomes ProviderUnavailableError", async () => {
  const kv = await Deno.openKv(":memory:");
  // A port that was just free: nobody listens there.
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  try {
    const [provider] = configuredProviders({
      oidc: {
        issuer: `http://127.0.0.1:${port}`,
        clientId: "x",
        clientSecret: "y",
      },
    });
    await assert.rejects(
      start(kv, provider),
      ProviderUnavailableError,
    );
  } finally {
    kv.close();
  }
});

Deno.test("oauth flow: GitHub sign-in through the local stand-in", async () => {
  const gh = startGitHubStandIn({ id: 4242, login: "Octo-Cat", email: null });
  const kv = await Deno.openKv(":memory:");
  const redirect = "http://127.0.0.1:8000/auth/github/callback";
  try {
    const [provider] = configuredProviders({
      github: {
        clientId: gh.clientId,
        clientSecret: gh.clientSecret,
        authorizeUrl: gh.authorizeUrl,
        tokenUrl: gh.tokenUrl,
        apiUrl: gh.apiUrl,
      },
    });
    const started = await start(kv, provider, { redirectUri: redirect });
    assert.equal(started.url.searchParams.get("code_challenge_method"), "S256");
    assert.equal(started.url.searchParams.get("nonce"), null);
    const res = await fetch(started.url, { redirect: "manual" });
    await res.body?.cancel();
    const callbackUrl = new URL(res.headers.get("location")!);
    const done = await finish(
      kv,
      provider,
      started.flowId,
      callbackUrl,
      redirect,
    );
    assert.deepEqual(done.identity, {
      provider: "github",
      subject: "4242",
      preferredUsername: "Octo-Cat",
      email: undefined,
      name: undefined,
    });
    // Replaying the code (with a fresh flow) fails at GitHub's token endpoint.
    const again = await start(kv, provider, { redirectUri: redirect });
    const replay = new URL(callbackUrl);
    replay.searchParams.set("state", again.url.searchParams.get("state")!);
    await assert.rejects(
      finish(kv, provider, again.flowId, replay, redirect),
      TokenExchangeError,
    );
  } finally {
    kv.close();
    await gh.close();
  }
});

Deno.test("oauth flow: an ID token whose nonce differs from the flow's is refused", () =>
  withOidc(async (kv, provider) => {
    const started = await start(kv, provider);
    // Swap the remembered nonce, as if the ID token were minted for another
    // sign-in attempt (token injection).
    const key = ["oauth_flows", started.flowId];
    const entry = await kv.get<Record<string, unknown>>(key);
    await kv.set(key, { ...entry.value, nonce: "another-nonce" });
    const callbackUrl = await loginAtProvider(started.url, { login: "dave" });
    await assert.rejects(
      finish(kv, provider, started.flowId, callbackUrl),
      IdentityInvalidError,
    );
  }));
