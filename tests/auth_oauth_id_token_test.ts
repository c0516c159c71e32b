/**
 * ID token validation against a minimal OpenID Provider stand-in that can
 * be told to misbehave (sign with a key it does not publish, mint expired
 * or foreign tokens). The happy path through the same stand-in proves that
 * each refusal comes from the one thing changed.
 */
import assert from "node:assert/strict";
import { IdentityInvalidError } from "../lib/auth/oauth/errors.ts";
import {
  completeAuthorization,
  startAuthorization,
} from "../lib/auth/oauth/flow.ts";
import { configuredProviders } from "../lib/auth/oauth/providers.ts";

const REDIRECT = "http://127.0.0.1:8000/auth/oidc/callback";

const b64u = (bytes: Uint8Array | string) =>
  btoa(
    typeof bytes === "string" ? bytes : String.fromCharCode(...bytes),
  ).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

async function rsaKey(): Promise<CryptoKeyPair> {
  return await crypto.subtle.generateKey(
    {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    },
    true,
    ["sign", "verify"],
  );
}

async function sign(
  key: CryptoKey,
  kid: string,
  claims: Record<string, unknown>,
) {
  const head = b64u(JSON.stringify({ alg: "RS256", kid, typ: "JWT" }));
  const body = b64u(JSON.stringify(claims));
  const sig = await crypto.subtle.sign(
    "RSASSA-PKCS1-v1_5",
    key,
    new TextEncoder().encode(`${head}.${body}`),
  );
  return `${head}.${body}.${b64u(new Uint8Array(sig))}`;
}

type Tamper = "none" | "foreign_key" | "expired" | "audience" | "issuer";

/** Runs one full flow against a stand-in OP that applies `tamper`. */
async function runFlow(tamper: Tamper) {
  const signing = await rsaKey();
  const published = tamper === "foreign_key" ? await rsaKey() : signing;
  const jwk = await crypto.subtle.exportKey("jwk", published.publicKey);
  const nonces = new Map<string, string>();
  // Unique per run: the app caches metadata and keys per issuer + client.
  const clientId = `client-${crypto.randomUUID().slice(0, 8)}`;
  let issuer = "";
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (req) => {
      const url = new URL(req.url);
      switch (url.pathname) {
        case "/.well-known/openid-configuration":
          return Response.json({
            issuer,
            authorization_endpoint: `${issuer}/authorize`,
            token_endpoint: `${issuer}/token`,
            jwks_uri: `${issuer}/jwks`,
            response_types_supported: ["code"],
            subject_types_supported: ["public"],
            id_token_signing_alg_values_supported: ["RS256"],
          });
        case "/jwks":
          return Response.json({
            keys: [{ ...jwk, kid: "k1", use: "sig", alg: "RS256" }],
          });
        case "/authorize": {
          const back = new URL(url.searchParams.get("redirect_uri")!);
          const code = crypto.randomUUID();
          nonces.set(code, url.searchParams.get("nonce")!);
          back.searchParams.set("code", code);
          back.searchParams.set("state", url.searchParams.get("state")!);
          return Response.redirect(back, 302);
        }
        case "/token": {
          const form = new URLSearchParams(await req.text());
          const now = Math.floor(Date.now() / 1000);
          const idToken = await sign(signing.privateKey, "k1", {
            iss: tamper === "issuer" ? "http://127.0.0.1:1" : issuer,
            sub: "standin-user",
            aud: tamper === "audience" ? "someone-else" : clientId,
            iat: tamper === "expired" ? now - 7200 : now,
            exp: tamper === "expired" ? now - 3600 : now + 300,
            nonce: nonces.get(form.get("code")!),
            preferred_username: "standin",
          });
          return Response.json({
            access_token: "at",
            token_type: "Bearer",
            id_token: idToken,
          });
        }
      }
      return new Response("not found", { status: 404 });
    },
  );
  issuer = `http://127.0.0.1:${server.addr.port}`;
  const kv = await Deno.openKv(":memory:");
  try {
    const [provider] = configuredProviders({
      oidc: { issuer, clientId, clientSecret: "s" },
    });
    const started = await startAuthorization(kv, provider, {
      redirectUri: REDIRECT,
    });
    const res = await fetch(started.url, { redirect: "manual" });
    await res.body?.cancel();
    return await completeAuthorization(kv, provider, {
      flowId: started.flowId,
      callbackUrl: new URL(res.headers.get("location")!),
      redirectUri: REDIRECT,
    });
  } finally {
    kv.close();
    await server.shutdown();
  }
}

Deno.test("oauth ID token: a well-formed token from the stand-in is accepted", async () => {
  const done = await runFlow("none");
  assert.equal(done.identity.subject, "standin-user");
  assert.equal(done.identity.preferredUsername, "standin");
});

Deno.test("oauth ID token: a signature by a key not in the provider's JWKS is refused", async () => {
  await assert.rejects(runFlow("foreign_key"), IdentityInvalidError);
});

Deno.test("oauth ID token: an expired token is refused", async () => {
  await assert.rejects(runFlow("expired"), IdentityInvalidError);
});

Deno.test("oauth ID token: a token for another audience is refused", async () => {
  await assert.rejects(runFlow("audience"), IdentityInvalidError);
});

Deno.test("oauth ID token: a token from another issuer is refused", async () => {
  await assert.rejects(runFlow("issuer"), IdentityInvalidError);
});
