/**
 * What a finished provider flow does to accounts: sign in (creating the
 * account on first use) or link the provider to the signed-in user.
 * @module
 */
import { NotFoundError } from "../../errors.ts";
import { getUser, isBlocked, type User } from "../users.ts";
import { accountBlocked, signupTerms } from "../accounts.ts";
import type { Config } from "../../config.ts";
import { joinGeneral } from "../../chat/general.ts";
import { LinkMismatchError } from "./errors.ts";
import type { CompletedAuthorization } from "./flow.ts";
import {
  findIdentity,
  type LinkedIdentity,
  linkIdentity,
  signInWithIdentity,
} from "./identities.ts";
import type { Provider } from "./providers.ts";

/** The outcome of a callback, for the route to act on. */
export type OAuthOutcome =
  | { kind: "signed_in"; user: User; created: boolean; returnTo: string }
  | {
    kind: "linked";
    user: User;
    identity: LinkedIdentity;
    returnTo: string;
  };

/** The sign-up policy for a callback that may create an account. */
export interface SignupPolicy {
  /** `SIGNUP_POLICY` and friends; without it anyone may sign up. */
  config?: Config;
  /** Join new accounts to #general. */
  generalRoom?: boolean;
}

/**
 * Applies a completed authorization. A linking flow links the identity to
 * the user who started it, and only when that user is still the one signed
 * in (`currentUserId`); a sign-in flow resolves the linked account or
 * creates one under the sign-up policy: with the invitation the flow was
 * started with (used in the atomic that creates the account, exactly like
 * the password sign-up: see `signupTerms`), else only when the policy is
 * `open` or the store is empty. Signing in to a linked account never needs
 * (nor uses) an invitation.
 */
export async function applyAuthorization(
  kv: Deno.Kv,
  provider: Provider,
  completed: CompletedAuthorization,
  currentUserId: string | undefined,
  policy: SignupPolicy = {},
): Promise<OAuthOutcome> {
  if (completed.linkingUserId) {
    if (completed.linkingUserId !== currentUserId) {
      throw new LinkMismatchError();
    }
    const user = await getUser(kv, currentUserId);
    if (!user || isBlocked(user)) throw new NotFoundError();
    const identity = await linkIdentity(
      kv,
      user.id,
      completed.identity,
      provider.label,
    );
    return { kind: "linked", user, identity, returnTo: completed.returnTo };
  }
  const { identity } = completed;
  const linked = await findIdentity(kv, identity.provider, identity.subject);
  const terms = policy.config && !(linked && await getUser(kv, linked.userId))
    ? await signupTerms(kv, policy.config, completed.invite)
    : undefined;
  const { user, created } = await signInWithIdentity(
    kv,
    identity,
    undefined,
    terms?.options,
    terms?.fields,
  ).catch(terms?.refusal ?? ((err) => Promise.reject(err)));
  if (isBlocked(user)) throw accountBlocked();
  if (created && policy.generalRoom) await joinGeneral(kv, user.username);
  return { kind: "signed_in", user, created, returnTo: completed.returnTo };
}
