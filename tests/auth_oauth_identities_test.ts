import assert from "node:assert/strict";
import { ConflictError, NotFoundError } from "../lib/errors.ts";
import { createUser, getUser } from "../lib/auth/users.ts";
import type { ProviderIdentity } from "../lib/auth/oauth/flow.ts";
import {
  findIdentity,
  linkIdentity,
  listIdentities,
  signInWithIdentity,
  unlinkIdentity,
} from "../lib/auth/oauth/identities.ts";
import { withKv } from "./helpers/kv.ts";

const alice: ProviderIdentity = {
  provider: "oidc",
  subject: "sub-alice",
  preferredUsername: "Alice",
  email: "alice@example.test",
};

Deno.test("oauth identities: first sign-in creates a user, the second finds it", () =>
  withKv(async (kv) => {
    const first = await signInWithIdentity(kv, alice);
    assert.equal(first.created, true);
    assert.equal(first.user.username, "alice");
    assert.equal(first.user.passwordHash, undefined);
    const second = await signInWithIdentity(kv, {
      ...alice,
      preferredUsername: "renamed",
    });
    assert.equal(second.created, false);
    assert.equal(second.user.id, first.user.id);
    assert.deepEqual(
      (await listIdentities(kv, first.user.id)).map((i) => i.subject),
      ["sub-alice"],
    );
  }));

Deno.test("oauth identities: accounts are never matched by email alone", () =>
  withKv(async (kv) => {
    const a = await signInWithIdentity(kv, alice);
    // Same email, different subject (or provider): a different account.
    const b = await signInWithIdentity(kv, { ...alice, subject: "sub-other" });
    const c = await signInWithIdentity(kv, { ...alice, provider: "google" });
    assert.notEqual(b.user.id, a.user.id);
    assert.notEqual(c.user.id, a.user.id);
    assert.notEqual(c.user.id, b.user.id);
    assert.deepEqual(
      [a, b, c].map((r) => r.user.username),
      ["alice", "alice-2", "alice-3"],
    );
  }));

Deno.test("oauth identities: a taken username gets a suffix", () =>
  withKv(async (kv) => {
    await createUser(kv, { username: "octocat", passwordHash: "x" });
    const r = await signInWithIdentity(kv, {
      provider: "github",
      subject: "1",
      preferredUsername: "OctoCat",
    });
    assert.equal(r.user.username, "octocat-2");
  }));

Deno.test("oauth identities: concurrent first sign-ins end on one account", () =>
  withKv(async (kv) => {
    const results = await Promise.all(
      Array.from({ length: 4 }, () => signInWithIdentity(kv, alice)),
    );
    const ids = new Set(results.map((r) => r.user.id));
    assert.equal(ids.size, 1);
    const owner = await findIdentity(kv, "oidc", "sub-alice");
    assert.equal(owner?.userId, [...ids][0]);
    assert.equal(results.filter((r) => r.created).length, 1);
    // No second (orphan) account was created on the way.
    let users = 0;
    for await (const _ of kv.list({ prefix: ["users"] })) users++;
    assert.equal(users, 1);
  }));

Deno.test("oauth identities: link adds a provider; its sign-in finds the user", () =>
  withKv(async (kv) => {
    const user = await createUser(kv, { username: "bob", passwordHash: "h" });
    const gh: ProviderIdentity = { provider: "github", subject: "77" };
    await linkIdentity(kv, user.id, gh, "GitHub");
    // Linking the same identity again is harmless.
    await linkIdentity(kv, user.id, gh, "GitHub");
    const r = await signInWithIdentity(kv, gh);
    assert.equal(r.user.id, user.id);
    assert.equal(r.created, false);
  }));

Deno.test("oauth identities: an identity of another user cannot be linked", () =>
  withKv(async (kv) => {
    const { user: owner } = await signInWithIdentity(kv, alice);
    const bob = await createUser(kv, { username: "bob", passwordHash: "h" });
    await assert.rejects(
      linkIdentity(kv, bob.id, alice, "Test SSO"),
      (e) => e instanceof ConflictError && e.code === "identity_taken",
    );
    assert.equal(
      (await findIdentity(kv, "oidc", "sub-alice"))?.userId,
      owner.id,
    );
    // A second account of the same provider needs an unlink first.
    await linkIdentity(kv, bob.id, { provider: "github", subject: "1" });
    await assert.rejects(
      linkIdentity(kv, bob.id, { provider: "github", subject: "2" }),
      (e) => e instanceof ConflictError && e.code === "provider_already_linked",
    );
  }));

Deno.test("oauth identities: unlink only while another way to sign in remains", () =>
  withKv(async (kv) => {
    const { user } = await signInWithIdentity(kv, alice);
    // Only provider, no password: refused.
    await assert.rejects(
      unlinkIdentity(kv, user.id, "oidc"),
      (e) => e instanceof ConflictError && e.code === "last_sign_in_method",
    );
    await linkIdentity(kv, user.id, { provider: "github", subject: "9" });
    await unlinkIdentity(kv, user.id, "oidc");
    assert.equal(await findIdentity(kv, "oidc", "sub-alice"), null);
    assert.deepEqual(
      (await listIdentities(kv, user.id)).map((i) => i.provider),
      ["github"],
    );
    // Now GitHub is the last one.
    await assert.rejects(unlinkIdentity(kv, user.id, "github"), ConflictError);
    await assert.rejects(unlinkIdentity(kv, user.id, "google"), NotFoundError);
    // A user with a password may unlink their only provider.
    const pw = await createUser(kv, { username: "carol", passwordHash: "h" });
    await linkIdentity(kv, pw.id, { provider: "google", subject: "g1" });
    await unlinkIdentity(kv, pw.id, "google");
    assert.deepEqual(await listIdentities(kv, pw.id), []);
    assert.ok(await getUser(kv, pw.id));
  }));

Deno.test("oauth identities: after unlinking, that identity signs in as a new user", () =>
  withKv(async (kv) => {
    const pw = await createUser(kv, { username: "dora", passwordHash: "h" });
    const gh: ProviderIdentity = {
      provider: "github",
      subject: "5",
      preferredUsername: "dora",
    };
    await linkIdentity(kv, pw.id, gh);
    await unlinkIdentity(kv, pw.id, "github");
    const r = await signInWithIdentity(kv, gh);
    assert.equal(r.created, true);
    assert.notEqual(r.user.id, pw.id);
    assert.equal(r.user.username, "dora-2");
  }));
