/**
 * Sign-up and password login, with rate limits per username and per IP.
 * @module
 */
import type { Config } from "../config.ts";
import { BadRequestError, ForbiddenError } from "../errors.ts";
import { type Limit, reserveOrThrow, windowSlot } from "../rate_limit.ts";
import { loginSucceeded, reserveLoginAttempt } from "./login_throttle.ts";
import {
  dummyPasswordHash,
  hashPassword,
  verifyPassword,
} from "./passwords.ts";
import { findUsableInvite, useInvite } from "./invites.ts";
import { signupBlocked } from "./policy.ts";
import { joinGeneral } from "../chat/general.ts";
import {
  type CreateOptions,
  createUser,
  getUserByUsername,
  isBlocked,
  type User,
  validatePassword,
  validateUsername,
} from "./users.ts";

const HOUR = 60 * 60_000;

/**
 * Creates an account with a password; limited per IP. `SIGNUP_POLICY`
 * decides who may: `open` anyone, `invite` only with a usable invitation
 * (field `invite`), `closed` nobody; the first account on an empty store may
 * always sign up (it becomes the admin).
 */
export async function signUp(
  kv: Deno.Kv,
  config: Config,
  input: { username?: unknown; password?: unknown; invite?: unknown },
  ip: string,
): Promise<User> {
  const username = validateUsername(input.username);
  const password = validatePassword(input.password);
  // Fail early (before hashing) on a bad link; re-read inside the atomic.
  const terms = await signupTerms(kv, config, input.invite);
  const limit: Limit = { max: config.signupsPerIpPerHour, windowMs: HOUR };
  // Reserved before the work; a failed attempt (name taken) still counts,
  // so the form cannot be used to probe usernames without limit.
  await reserveOrThrow(
    kv,
    [windowSlot("signup_ip", ip, limit)],
    "Too many sign-ups from your network.",
  );
  const user = await createUser(kv, {
    username,
    passwordHash: await hashPassword(password),
    ...terms.fields,
  }, terms.options).catch(terms.refusal);
  if (config.generalRoom) await joinGeneral(kv, user.username);
  return user;
}

/** How a new account may be created under the sign-up policy. */
export interface SignupTerms {
  /** The invitation's address (verified), when it names one. */
  fields: { email?: string; emailVerified?: boolean };
  /** For createUser: first-only without an invitation, else use it. */
  options: CreateOptions;
  /** Rewords createUser's `invite_required` for the policy in force. */
  refusal: (err: unknown) => never;
}

/**
 * The terms of a sign-up (password or provider) under `SIGNUP_POLICY` with
 * an optional invitation token: a usable invitation (else 410 with the
 * reason) is used inside the atomic that creates the account (single use,
 * expiry re-checked there) and gives the account its address, verified.
 * Without one only `open` (or the first account of an empty store) may.
 */
export async function signupTerms(
  kv: Deno.Kv,
  config: Config,
  token: unknown,
): Promise<SignupTerms> {
  const hasInvite = typeof token === "string" && token !== "";
  if (config.signupPolicy === "closed" && hasInvite) {
    throw signupBlocked(config);
  }
  const invite = hasInvite ? await findUsableInvite(kv, token) : null;
  return {
    fields: invite?.value.email
      ? { email: invite.value.email, emailVerified: true }
      : {},
    options: {
      firstOnly: !invite && config.signupPolicy !== "open",
      extra: invite
        ? async () => {
          const entry = await findUsableInvite(kv, token);
          return (op) => useInvite(op, entry);
        }
        : undefined,
    },
    refusal: (err) => {
      throw (err as { code?: string })?.code === "invite_required"
        ? signupBlocked(config)
        : err;
    },
  };
}

/**
 * Checks a username and password. Unknown user and wrong password give the
 * same error. Each attempt is reserved first (see login_throttle.ts:
 * per username+IP, per IP, and a growing per-username delay).
 */
export async function logIn(
  kv: Deno.Kv,
  config: Config,
  input: { username?: unknown; password?: unknown },
  ip: string,
): Promise<User> {
  const username = typeof input.username === "string"
    ? input.username.trim().toLowerCase()
    : "";
  const password = typeof input.password === "string" ? input.password : "";
  if (!username || !password) {
    throw new BadRequestError(
      "Enter your username and password.",
      "missing_credentials",
    );
  }
  const reservation = await reserveLoginAttempt(kv, config, username, ip);
  const user = await getUserByUsername(kv, username);
  const ok = password.length <= 1024 &&
    await verifyPassword(
      password,
      user?.passwordHash ?? await dummyPasswordHash(),
    );
  if (!user || !user.passwordHash || !ok) {
    throw new BadRequestError(
      "Wrong username or password.",
      "invalid_credentials",
    );
  }
  await loginSucceeded(kv, reservation);
  if (isBlocked(user)) throw accountBlocked();
  return user;
}

/** The refusal for a deactivated (or deleted) account. */
export function accountBlocked(): ForbiddenError {
  return new ForbiddenError(
    "This account has been deactivated. Ask an admin of your team.",
    "account_deactivated",
  );
}
