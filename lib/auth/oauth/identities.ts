/**
 * Provider identities and the accounts they belong to. An identity is a
 * (provider, subject) pair; it maps to exactly one user. Accounts are found
 * by provider + subject only, never by email.
 *
 * KV: `["user_identities", provider, subject]` → {@link LinkedIdentity}
 * (primary) and `["user_identities_by_user", userId, provider]` → the same
 * record (index), written together in one atomic with uniqueness checks.
 * `["user_identity_claims", provider, subject]` (30 s) marks a first
 * sign-in in progress, so concurrent ones never create two accounts.
 * @module
 */
import { ConflictError, NotFoundError } from "../../errors.ts";
import {
  type CreateOptions,
  createUser,
  getUser,
  type User,
} from "../users.ts";
import type { ProviderIdentity } from "./identity.ts";
import type { ProviderId } from "./providers.ts";
import { baseUsername, usernameCandidates } from "./username.ts";

/** A provider identity linked to a user. */
export interface LinkedIdentity {
  userId: string;
  provider: ProviderId;
  subject: string;
  /** What the provider called the person when linked (for Settings). */
  displayName?: string;
  linkedAt: string;
}

const idKey = (provider: string, subject: string): Deno.KvKey => [
  "user_identities",
  provider,
  subject,
];
const byUserKey = (userId: string, provider: string): Deno.KvKey => [
  "user_identities_by_user",
  userId,
  provider,
];

/** How long a first sign-in may hold its claim on an identity. */
const CLAIM_TTL_MS = 30_000;
const claimKey = (provider: string, subject: string): Deno.KvKey => [
  "user_identity_claims",
  provider,
  subject,
];

/** Most username candidates tried before giving up. */
const MAX_USERNAME_TRIES = 30;

/** The identities linked to `userId`, in provider order. */
export async function listIdentities(
  kv: Deno.Kv,
  userId: string,
): Promise<LinkedIdentity[]> {
  const out: LinkedIdentity[] = [];
  const iter = kv.list<LinkedIdentity>({
    prefix: ["user_identities_by_user", userId],
  });
  for await (const e of iter) out.push(e.value);
  return out;
}

/** The user id linked to (provider, subject), or null. */
export async function findIdentity(
  kv: Deno.Kv,
  provider: ProviderId,
  subject: string,
): Promise<LinkedIdentity | null> {
  return (await kv.get<LinkedIdentity>(idKey(provider, subject))).value;
}

function record(userId: string, identity: ProviderIdentity): LinkedIdentity {
  return {
    userId,
    provider: identity.provider,
    subject: identity.subject,
    displayName: identity.preferredUsername ?? identity.email ?? identity.name,
    linkedAt: new Date().toISOString(),
  };
}

/** Writes both keys if neither exists yet; false when one does. */
async function insert(kv: Deno.Kv, rec: LinkedIdentity): Promise<boolean> {
  const a = idKey(rec.provider, rec.subject);
  const b = byUserKey(rec.userId, rec.provider);
  const res = await kv.atomic()
    .check({ key: a, versionstamp: null })
    .check({ key: b, versionstamp: null })
    .set(a, rec).set(b, rec).commit();
  return res.ok;
}

/**
 * Signs in with a provider identity: the linked user when there is one,
 * otherwise a new user whose username comes from the provider (made valid
 * and unique) with the identity linked to it.
 */
export async function signInWithIdentity(
  kv: Deno.Kv,
  identity: ProviderIdentity,
  waitMs = 5_000,
  createOptions: CreateOptions = {},
  fields: { email?: string; emailVerified?: boolean } = {},
): Promise<{ user: User; created: boolean }> {
  const { provider, subject } = identity;
  const deadline = Date.now() + waitMs;
  for (;;) {
    const linked = await findIdentity(kv, provider, subject);
    if (linked) {
      const user = await getUser(kv, linked.userId);
      if (user) return { user, created: false };
      // The account was deleted: forget the stale link and start afresh.
      await removeLink(kv, linked);
    }
    // Claim the first sign-in, so that a concurrent one (a second tab)
    // waits for this account instead of creating another.
    const claim = claimKey(provider, subject);
    const claimed = await kv.atomic()
      .check({ key: idKey(provider, subject), versionstamp: null })
      .check({ key: claim, versionstamp: null })
      .set(claim, true, { expireIn: CLAIM_TTL_MS })
      .commit();
    if (claimed.ok) {
      try {
        const user = await createUserWithFreeName(
          kv,
          identity,
          createOptions,
          fields,
        );
        if (await insert(kv, record(user.id, identity))) {
          return { user, created: true };
        }
      } finally {
        await kv.delete(claim);
      }
      // Only possible when the claim expired mid-way: let the caller retry.
      throw new ConflictError("Sign-in collided; please try again.");
    }
    if (Date.now() >= deadline) {
      throw new ConflictError(
        "Another sign-in with this account is in progress. Try again in a moment.",
        "sign_in_in_progress",
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function createUserWithFreeName(
  kv: Deno.Kv,
  identity: ProviderIdentity,
  options: CreateOptions,
  fields: { email?: string; emailVerified?: boolean },
): Promise<User> {
  let tries = 0;
  for (const username of usernameCandidates(baseUsername(identity))) {
    try {
      return await createUser(kv, { username, ...fields }, options);
    } catch (err) {
      if (
        !(err instanceof ConflictError) || err.code !== "username_taken" ||
        ++tries >= MAX_USERNAME_TRIES
      ) {
        throw err;
      }
    }
  }
  throw new Error("unreachable");
}

async function removeLink(kv: Deno.Kv, rec: LinkedIdentity): Promise<void> {
  await kv.atomic().delete(idKey(rec.provider, rec.subject))
    .delete(byUserKey(rec.userId, rec.provider)).commit();
}

/**
 * Links a provider identity to the signed-in user `userId`. Linking the same
 * identity again is a no-op.
 * @throws ConflictError when the identity belongs to another user, or the
 *   user already has a different account of this provider linked
 */
export async function linkIdentity(
  kv: Deno.Kv,
  userId: string,
  identity: ProviderIdentity,
  label: string = identity.provider,
): Promise<LinkedIdentity> {
  for (let i = 0; i < 5; i++) {
    const existing = await findIdentity(
      kv,
      identity.provider,
      identity.subject,
    );
    if (existing?.userId === userId) return existing;
    if (existing) {
      throw new ConflictError(
        `This ${label} account is already linked to another user.`,
        "identity_taken",
      );
    }
    const mine = await kv.get(byUserKey(userId, identity.provider));
    if (mine.value) {
      throw new ConflictError(
        `Another ${label} account is already linked. Unlink it first.`,
        "provider_already_linked",
      );
    }
    const rec = record(userId, identity);
    if (await insert(kv, rec)) return rec;
  }
  throw new ConflictError("Linking collided; please try again.");
}

/**
 * Unlinks `provider` from `userId`, but only when the account keeps another
 * way to sign in (a password or another linked provider).
 * @throws NotFoundError when the provider is not linked to this user
 * @throws ConflictError when it is the last way to sign in
 */
export async function unlinkIdentity(
  kv: Deno.Kv,
  userId: string,
  provider: ProviderId,
  label: string = provider,
): Promise<void> {
  const user = await getUser(kv, userId);
  if (!user) throw new NotFoundError();
  for (let i = 0; i < 5; i++) {
    const entries: Deno.KvEntry<LinkedIdentity>[] = [];
    const iter = kv.list<LinkedIdentity>({
      prefix: ["user_identities_by_user", userId],
    });
    for await (const e of iter) entries.push(e);
    const target = entries.find((e) => e.value.provider === provider);
    if (!target) throw new NotFoundError(`${label} is not linked.`);
    if (!user.passwordHash && entries.length < 2) {
      throw new ConflictError(
        `${label} is the only way to sign in to this account. Link another provider first.`,
        "last_sign_in_method",
      );
    }
    // Checking every link makes two concurrent unlinks unable to remove
    // the last two ways in at once (at most 3 providers: within 10 checks).
    let op = kv.atomic();
    for (const e of entries) op = op.check(e);
    const res = await op.delete(target.key)
      .delete(idKey(provider, target.value.subject)).commit();
    if (res.ok) return;
  }
  throw new ConflictError("Unlinking collided; please try again.");
}
