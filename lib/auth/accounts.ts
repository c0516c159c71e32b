/**
 * Sign-up and password login, with rate limits per username and per IP.
 * @module
 */
import type { Config } from "../config.ts";
import { BadRequestError, TooManyRequestsError } from "../errors.ts";
import { hit, isLimited, type Limit } from "../rate_limit.ts";
import {
  dummyPasswordHash,
  hashPassword,
  verifyPassword,
} from "./passwords.ts";
import { findUsableInvite, useInvite } from "./invites.ts";
import { signupBlocked } from "./policy.ts";
import {
  createUser,
  getUserByUsername,
  type User,
  validatePassword,
  validateUsername,
} from "./users.ts";

const FIFTEEN_MINUTES = 15 * 60_000;
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
  const limited = await isLimited(kv, "signup_ip", ip, limit);
  if (limited) {
    throw new TooManyRequestsError(
      "Too many sign-ups from your network. Try again later.",
      limited.retryAfterMs / 1000,
    );
  }
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
  await hit(kv, "signup_ip", ip, limit);
  return user;
}

/**
 * Checks a username and password. Unknown user and wrong password give the
 * same error; failures count per username and per IP, and past the limit
 * every attempt answers 429 until the window ends.
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
  const perUser: Limit = {
    max: config.loginFailuresPerUser,
    windowMs: FIFTEEN_MINUTES,
  };
  const perIp: Limit = {
    max: config.loginFailuresPerIp,
    windowMs: FIFTEEN_MINUTES,
  };
  const userKey = username.slice(0, 64);
  const limited = (await isLimited(kv, "login_user", userKey, perUser)) ??
    (await isLimited(kv, "login_ip", ip, perIp));
  if (limited) {
    throw new TooManyRequestsError(
      "Too many failed sign-in attempts. Try again later.",
      limited.retryAfterMs / 1000,
    );
  }
  const user = await getUserByUsername(kv, username);
  const ok = password.length <= 1024 &&
    await verifyPassword(
      password,
      user?.passwordHash ?? await dummyPasswordHash(),
    );
  if (!user || !user.passwordHash || !ok) {
    await hit(kv, "login_user", userKey, perUser);
    await hit(kv, "login_ip", ip, perIp);
    throw new BadRequestError(
      "Wrong username or password.",
      "invalid_credentials",
    );
  }
  return user;
}
