/**
 * Workspace administration: the member list and role/status changes. Every
 * function checks that the actor is an admin (403 otherwise), here and not
 * only in routes.
 * @module
 */
import type { EventBus } from "../events.ts";
import { BadRequestError, ForbiddenError, NotFoundError } from "../errors.ts";
import { endSessions } from "./user_sessions.ts";
import { mutateUserKeepingAdmin } from "./admin_set.ts";
import {
  getUserByUsername,
  listUsers,
  type Role,
  roleOf,
  type User,
} from "./users.ts";

/** A row of the admin member list. */
export interface MemberRow {
  username: string;
  displayName: string;
  role: Role;
  status: "active" | "deactivated";
  email: string | null;
  emailVerified: boolean;
  createdAt: string;
  lastSeenAt: string | null;
}

/** Throws 403 unless `user` is an admin (and active). */
export function assertAdmin(user: User | undefined): asserts user is User {
  if (!user || roleOf(user) !== "admin" || user.deactivatedAt) {
    throw new ForbiddenError("Only admins can do this.", "admin_only");
  }
}

const seenKey = (userId: string) => ["user_seen", userId];

/** Records that `userId` was seen now (at most every few minutes per user). */
export async function touchLastSeen(
  kv: Deno.Kv,
  userId: string,
): Promise<void> {
  await kv.set(seenKey(userId), new Date().toISOString());
}

/** When the user was last seen (a request with their session), or null. */
export async function lastSeenOf(
  kv: Deno.Kv,
  userId: string,
): Promise<string | null> {
  return (await kv.get<string>(seenKey(userId))).value;
}

/** Every member with role, status and last seen (admins only). */
export async function listMembers(
  kv: Deno.Kv,
  actor: User,
): Promise<MemberRow[]> {
  assertAdmin(actor);
  const users = await listUsers(kv);
  const seen = new Map<string, string>();
  for await (const e of kv.list<string>({ prefix: ["user_seen"] })) {
    seen.set(String(e.key[1]), e.value);
  }
  return users.map((u) => ({
    username: u.username,
    displayName: u.displayName || u.username,
    role: roleOf(u),
    status: u.deactivatedAt ? "deactivated" : "active",
    email: u.email ?? null,
    emailVerified: Boolean(u.email && u.emailVerified),
    createdAt: u.createdAt,
    lastSeenAt: seen.get(u.id) ?? null,
  }));
}

/**
 * `PATCH /api/admin/users/:username {role?, active?}`. Deactivating ends
 * every session of the member at once (their sockets close with 4001).
 * A change that would leave no active admin is refused (409 `last_admin`),
 * decided in the same KV atomic as the write (see admin_set.ts), so two
 * admins demoting each other at once leave one admin.
 */
export async function updateMember(
  kv: Deno.Kv,
  bus: EventBus,
  actor: User,
  username: string,
  input: Record<string, unknown>,
): Promise<MemberRow> {
  assertAdmin(actor);
  const unknown = Object.keys(input).filter((k) =>
    k !== "role" && k !== "active"
  );
  if (unknown.length) {
    throw new BadRequestError(
      `Unknown field(s): ${unknown.slice(0, 5).join(", ")}.`,
      "unknown_field",
    );
  }
  const { role, active } = input;
  if (role !== undefined && role !== "admin" && role !== "member") {
    throw new BadRequestError("role is admin or member.", "invalid_role", {
      role: "admin or member",
    });
  }
  if (active !== undefined && typeof active !== "boolean") {
    throw new BadRequestError("active is true or false.", "invalid_active", {
      active: "true or false",
    });
  }
  const target = await getUserByUsername(kv, username);
  if (!target) throw new NotFoundError("No such member.");
  const updated = await mutateUserKeepingAdmin(kv, target.id, (u) => {
    if (role !== undefined) u.role = role as Role;
    if (active === false && !u.deactivatedAt) {
      u.deactivatedAt = new Date().toISOString();
    }
    if (active === true) delete u.deactivatedAt;
    return u;
  }, { actorId: actor.id });
  if (active === false) await endSessions(kv, bus, updated, "all");
  return {
    username: updated.username,
    displayName: updated.displayName || updated.username,
    role: roleOf(updated),
    status: updated.deactivatedAt ? "deactivated" : "active",
    email: updated.email ?? null,
    emailVerified: Boolean(updated.email && updated.emailVerified),
    createdAt: updated.createdAt,
    lastSeenAt: await lastSeenOf(kv, updated.id),
  };
}
