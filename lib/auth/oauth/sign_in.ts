/**
 * What a finished provider flow does to accounts: sign in (creating the
 * account on first use) or link the provider to the signed-in user.
 * @module
 */
import { NotFoundError } from "../../errors.ts";
import { getUser, isBlocked, type User } from "../users.ts";
import { accountBlocked } from "../accounts.ts";
import { joinGeneral } from "../../chat/general.ts";
import { LinkMismatchError } from "./errors.ts";
import type { CompletedAuthorization } from "./flow.ts";
import {
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

/**
 * Applies a completed authorization. A linking flow links the identity to
 * the user who started it, and only when that user is still the one signed
 * in (`currentUserId`); a sign-in flow resolves or creates the account
 * (with `firstOnly`, only the first account of an empty store is created:
 * SIGNUP_POLICY is not `open`).
 */
export async function applyAuthorization(
  kv: Deno.Kv,
  provider: Provider,
  completed: CompletedAuthorization,
  currentUserId: string | undefined,
  policy: { firstOnly?: boolean; generalRoom?: boolean } = {},
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
  const { user, created } = await signInWithIdentity(
    kv,
    completed.identity,
    undefined,
    { firstOnly: policy.firstOnly },
  );
  if (isBlocked(user)) throw accountBlocked();
  if (created && policy.generalRoom) await joinGeneral(kv, user.username);
  return { kind: "signed_in", user, created, returnTo: completed.returnTo };
}
