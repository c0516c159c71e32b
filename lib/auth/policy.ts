/**
 * The sign-up policy's refusals, worded for the policy in force.
 * @module
 */
import type { Config } from "../config.ts";
import { ForbiddenError } from "../errors.ts";

/** The error for a sign-up the policy does not allow. */
export function signupBlocked(config: Config): ForbiddenError {
  return config.signupPolicy === "closed"
    ? new ForbiddenError(
      "Sign-up is closed on this server.",
      "signup_closed",
    )
    : new ForbiddenError(
      "Signing up needs an invitation. Ask an admin for an invite link.",
      "invite_required",
    );
}
