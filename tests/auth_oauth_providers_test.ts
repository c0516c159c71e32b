import assert from "node:assert/strict";
import { loadConfig } from "../lib/config.ts";
import {
  checkEndpoint,
  configuredProviders,
  isLoopbackHost,
} from "../lib/auth/oauth/providers.ts";

Deno.test("oauth providers: none are configured without their env vars", () => {
  assert.deepEqual(configuredProviders(loadConfig({})), []);
  // Half a pair is not a provider.
  assert.deepEqual(
    configuredProviders(loadConfig({ GITHUB_CLIENT_ID: "id" })),
    [],
  );
  assert.deepEqual(
    configuredProviders(
      loadConfig({ OIDC_CLIENT_ID: "a", OIDC_CLIENT_SECRET: "b" }),
    ),
    [],
  );
});

Deno.test("oauth providers: each configured provider appears with defaults", () => {
  const providers = configuredProviders(loadConfig({
    GITHUB_CLIENT_ID: "gh",
    GITHUB_CLIENT_SECRET: "ghs",
    GOOGLE_CLIENT_ID: "go",
    GOOGLE_CLIENT_SECRET: "gos",
    OIDC_ISSUER: "https://sso.example.com/realms/team",
    OIDC_CLIENT_ID: "o",
    OIDC_CLIENT_SECRET: "os",
    OIDC_NAME: "Team SSO",
  }));
  assert.deepEqual(providers.map((p) => [p.id, p.label, p.kind]), [
    ["oidc", "Team SSO", "oidc"],
    ["github", "GitHub", "github"],
    ["google", "Google", "oidc"],
  ]);
  const [oidc, github, google] = providers;
  assert.equal(oidc.issuer.href, "https://sso.example.com/realms/team");
  assert.equal(
    github.github!.authorizeUrl.href,
    "https://github.com/login/oauth/authorize",
  );
  assert.equal(github.github!.apiUrl.href, "https://api.github.com/");
  assert.equal(google.issuer.href, "https://accounts.google.com/");
  assert.ok(providers.every((p) => !p.insecureLoopback));
});

Deno.test("oauth providers: plain-http issuers are accepted only on loopback", () => {
  for (const host of ["127.0.0.1:9000", "localhost:9000", "[::1]:9000"]) {
    const [p] = configuredProviders({
      oidc: { issuer: `http://${host}`, clientId: "a", clientSecret: "b" },
    });
    assert.equal(p.insecureLoopback, true);
  }
  for (
    const issuer of [
      "http://sso.example.com",
      "http://10.0.0.5",
      "http://127.0.0.1.evil.example",
      "ftp://127.0.0.1",
      "not a url",
    ]
  ) {
    assert.throws(
      () =>
        configuredProviders({
          oidc: { issuer, clientId: "a", clientSecret: "b" },
        }),
      /OIDC_ISSUER/,
    );
  }
  assert.throws(
    () =>
      configuredProviders({
        github: {
          clientId: "a",
          clientSecret: "b",
          tokenUrl: "http://example.com/token",
        },
      }),
    /GITHUB_TOKEN_URL/,
  );
  assert.throws(
    () =>
      configuredProviders({
        google: { clientId: "a", clientSecret: "b", issuer: "http://x.test" },
      }),
    /GOOGLE_ISSUER/,
  );
});

Deno.test("oauth providers: loopback detection", () => {
  assert.ok(isLoopbackHost("127.0.0.1"));
  assert.ok(isLoopbackHost("127.1.2.3"));
  assert.ok(isLoopbackHost("LOCALHOST"));
  assert.ok(!isLoopbackHost("128.0.0.1"));
  assert.ok(!isLoopbackHost("localhost.evil.example"));
  assert.equal(checkEndpoint("https://a.test/x", "X").href, "https://a.test/x");
});
