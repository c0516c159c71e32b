/**
 * The set of active admins, `["workspace", "admins"]` → user ids. Every
 * write that changes who is an active admin (first sign-up, promote,
 * demote, deactivate, reactivate, delete) checks this entry's versionstamp
 * and rewrites it in the same KV atomic as the user record, so "at least
 * one active admin remains" is decided and written in one step: two admins
 * demoting each other at once cannot both win.
 * @module
 */
import { ConflictError, ForbiddenError, NotFoundError } from "../errors.ts";
import { listUsers, roleOf, type User } from "./users.ts";

/** The KV key of the active-admin set. */
export const ADMINS_KEY: Deno.KvKey = ["workspace", "admins"];

/** True when `user` counts as an active admin. */
export function isActiveAdmin(
  user: Pick<User, "role" | "deactivatedAt" | "deletedAt">,
): boolean {
  return roleOf(user) === "admin" && !user.deactivatedAt && !user.deletedAt;
}

/**
 * The admin set entry; on a store from before the set (or a restored
 * backup without it) it is built once from the user records (check on an
 * absent key, so a concurrent build cannot overwrite a newer set).
 */
export async function readAdminSet(
  kv: Deno.Kv,
): Promise<Deno.KvEntry<string[]>> {
  for (;;) {
    const entry = await kv.get<string[]>(ADMINS_KEY);
    if (entry.value !== null) return entry as Deno.KvEntry<string[]>;
    const ids = (await listUsers(kv)).filter(isActiveAdmin).map((u) => u.id);
    await kv.atomic().check(entry).set(ADMINS_KEY, ids).commit();
  }
}

/**
 * Start-up backfill and repair: (re)builds the admin set from the user
 * records when it is missing or differs (a store from before the set, or a
 * backup restored over a running store). Checked against the set's
 * versionstamp, so a role change committed meanwhile makes it start over.
 */
export async function ensureAdminSet(kv: Deno.Kv): Promise<void> {
  for (;;) {
    const entry = await kv.get<string[]>(ADMINS_KEY);
    const ids = (await listUsers(kv)).filter(isActiveAdmin).map((u) => u.id);
    const same = entry.value !== null && entry.value.length === ids.length &&
      ids.every((id) => entry.value!.includes(id));
    if (same) return;
    if ((await kv.atomic().check(entry).set(ADMINS_KEY, ids).commit()).ok) {
      return;
    }
  }
}

/** The set after `before` became `after` (same user). */
export function nextAdminSet(
  ids: string[],
  before: User,
  after: User,
): string[] {
  const rest = ids.filter((id) => id !== before.id);
  return isActiveAdmin(after) ? [...rest, after.id] : rest;
}

/** The refusal when a change would leave no active admin. */
export function lastAdminError(): ConflictError {
  return new ConflictError(
    "That would leave the workspace without an active admin: promote someone else first.",
    "last_admin",
  );
}

/**
 * Changes user `id` like `mutateUser`, and in the same atomic checks and
 * rewrites the admin set: refused with 409 `last_admin` when no active
 * admin would remain and, when `actorId` is given, with 403 `admin_only`
 * unless the actor is still an active admin at the moment of the write.
 * Retried (re-deciding both rules) when another write came between.
 */
export async function mutateUserKeepingAdmin(
  kv: Deno.Kv,
  id: string,
  change: (user: User) => User | Promise<User>,
  opts: {
    actorId?: string;
    extra?: (op: Deno.AtomicOperation, before: User, after: User) => void;
  } = {},
): Promise<User> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const entry = await kv.get<User>(["users", id]);
    if (!entry.value) throw new NotFoundError("No such member.");
    const admins = await readAdminSet(kv);
    const next = await change(structuredClone(entry.value));
    const ids = nextAdminSet(admins.value, entry.value, next);
    if (ids.length === 0) throw lastAdminError();
    if (opts.actorId && !admins.value.includes(opts.actorId)) {
      throw new ForbiddenError("Only admins can do this.", "admin_only");
    }
    const op = kv.atomic().check(entry).check(admins)
      .set(["users", id], next).set(ADMINS_KEY, ids);
    opts.extra?.(op, entry.value, next);
    if ((await op.commit()).ok) return next;
  }
  throw new ConflictError("That change collided; please try again.", "busy");
}
