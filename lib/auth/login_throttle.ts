/**
 * Password-login throttling that slows attackers without locking owners out:
 *
 * - per username + IP: `LOGIN_FAILURES_PER_USER` failures per 15 minutes,
 *   then that address (only) gets 429 until the window ends;
 * - per IP: `LOGIN_FAILURES_PER_IP` failures per 15 minutes, then 429;
 * - per username, from every address together: after
 *   `LOGIN_FAILURES_PER_USER` failures, each further attempt must wait a
 *   growing delay (1 s, 2 s, 4 s … at most {@link MAX_DELAY_MS}) — a slowdown,
 *   never a lock. A successful login resets it.
 *
 * Every attempt is reserved before the password is checked (parallel
 * requests cannot all be checked) and given back when the login succeeds.
 * @module
 */
import type { Config } from "../config.ts";
import {
  type Limit,
  release,
  type Reservation,
  reserveOrThrow,
  type Slot,
  windowSlot,
} from "../rate_limit.ts";

/** Failure counts are kept this long. */
export const WINDOW_MS = 15 * 60_000;
/** The longest delay a username is slowed down by. */
export const MAX_DELAY_MS = 60_000;

/** Username-wide record: failures so far and when the next try may start. */
interface Gate {
  failures: number;
  nextAt: number;
}

/** Delay before the attempt after `failures` failures. */
export function delayAfter(failures: number, freeFailures: number): number {
  if (failures < freeFailures) return 0;
  return Math.min(1000 * 2 ** (failures - freeFailures), MAX_DELAY_MS);
}

function gateSlot(username: string, freeFailures: number): Slot<Gate> {
  return {
    key: ["rate", "login_gate", username],
    take(gate, now) {
      if (gate && now < gate.nextAt) return { retryAfterMs: gate.nextAt - now };
      // Counted as a failure until the password proves otherwise.
      const failures = (gate?.failures ?? 0) + 1;
      return {
        value: { failures, nextAt: now + delayAfter(failures, freeFailures) },
        expireIn: WINDOW_MS,
      };
    },
    give: () => null,
  };
}

/**
 * Reserves one login attempt for `username` from `ip`.
 * @throws TooManyRequestsError (with `Retry-After` and when) when refused
 */
export async function reserveLoginAttempt(
  kv: Deno.Kv,
  config: Config,
  username: string,
  ip: string,
): Promise<Reservation> {
  const perPair: Limit = {
    max: config.loginFailuresPerUser,
    windowMs: WINDOW_MS,
  };
  const perIp: Limit = { max: config.loginFailuresPerIp, windowMs: WINDOW_MS };
  const user = username.slice(0, 64);
  return await reserveOrThrow(kv, [
    windowSlot("login_user_ip", `${user}\n${ip}`, perPair),
    windowSlot("login_ip", ip, perIp),
    gateSlot(user, config.loginFailuresPerUser),
  ], "Too many failed sign-in attempts.");
}

/** A successful login: its attempt does not count, the slowdown resets. */
export async function loginSucceeded(
  kv: Deno.Kv,
  reservation: Reservation,
): Promise<void> {
  await release(kv, reservation);
}
