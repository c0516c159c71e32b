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
  const hasInvite = typeof input.invite === "string" && input.invite !== "";
  if (config.signupPolicy === "closed" && hasInvite) {
    throw signupBlocked(config);
  }
  // Fail early (before hashing) on a bad link; re-read inside the atomic.
  const invite = hasInvite ? await findUsableInvite(kv, input.invite) : null;
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
    email: invite?.value.email,
    emailVerified: Boolean(invite?.value.email),
  }, {
    firstOnly: !invite && config.signupPolicy !== "open",
    extra: invite
      ? async () => {
        const entry = await findUsableInvite(kv, input.invite);
        return (op) => useInvite(op, entry);
      }
      : undefined,
  }).catch((err) => {
    throw err?.code === "invite_required" ? signupBlocked(config) : err;
  });
  if (config.generalRoom) await joinGeneral(kv, user.username);
  return user;
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
