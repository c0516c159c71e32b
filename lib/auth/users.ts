/**
 * User accounts in KV: `["users", id]` plus the unique indexes
 * `["users_by_name", username]` and `["users_by_email", address]` (verified
 * addresses only, lowercased), written in one atomic operation. The first
 * account on an empty store claims `["workspace", "first_user"]` in the same
 * atomic and becomes the admin, so two parallel first sign-ups make exactly
 * one admin. Role changes go through admin_set.ts (the active-admin set).
 * @module
 */
import { BadRequestError, ConflictError, ForbiddenError } from "../errors.ts";
import { newId } from "../ids.ts";
import { emailKey as addressKey } from "../email/address.ts";
import { ADMINS_KEY } from "./admin_set.ts";

/** Workspace roles. */
export type Role = "admin" | "member";

/** A user account. */
export interface User {
  id: string;
  username: string;
  /** Argon2id PHC string; absent for accounts that only use OAuth. */
  passwordHash?: string;
  createdAt: string;
  /** Absent on records from before roles: a member. */
  role?: Role;
  /** 1–64 characters, any script; the username when absent. */
  displayName?: string;
  /** The account's address (as typed, trimmed). */
  email?: string;
  /** True once the address was verified (a link or an emailed invitation). */
  emailVerified?: boolean;
  /** Set while an admin has deactivated the account. */
  deactivatedAt?: string;
  /** Set once the account was deleted (the record stays as a tombstone). */
  deletedAt?: string;
}

/** True when the account may not be used (deactivated or deleted). */
export function isBlocked(
  user: Pick<User, "deactivatedAt" | "deletedAt">,
): boolean {
  return Boolean(user.deactivatedAt || user.deletedAt);
}

/** Adds checks and mutations of a caller to the atomic that creates a user. */
export type AtomicExtra = (op: Deno.AtomicOperation, user: User) => void;

const FIRST_USER_KEY = ["workspace", "first_user"];

/** The unique-index key of a verified address (the shared comparison key: case-insensitive, NFC, IDNA). */
export function emailKey(address: string): Deno.KvKey {
  return ["users_by_email", addressKey(address)];
}

/** A user's role (records from before roles are members). */
export function roleOf(user: Pick<User, "role">): Role {
  return user.role === "admin" ? "admin" : "member";
}

/** Username rule from the contract: 3 to 32 of `a-z 0-9 _ . -`. */
export const USERNAME_PATTERN = /^[a-z0-9_.-]{3,32}$/;
/** Shortest accepted password. */
export const MIN_PASSWORD_LENGTH = 8;
/** Longest accepted password (bounds hashing cost). */
export const MAX_PASSWORD_LENGTH = 1024;

/** Normalises and validates a username; throws a field error. */
export function validateUsername(raw: unknown): string {
  const username = typeof raw === "string" ? raw.trim().toLowerCase() : "";
  if (!USERNAME_PATTERN.test(username)) {
    throw new BadRequestError(
      "Usernames are 3 to 32 characters: lowercase letters, digits, _ . or -.",
      "invalid_username",
      { username: "Use 3 to 32 characters: a-z, 0-9, _ . -" },
    );
  }
  return username;
}

/** Validates a new password's length; throws a field error. */
export function validatePassword(raw: unknown): string {
  const password = typeof raw === "string" ? raw : "";
  if ([...password].length < MIN_PASSWORD_LENGTH) {
    throw new BadRequestError(
      `Passwords need at least ${MIN_PASSWORD_LENGTH} characters.`,
      "password_too_short",
      { password: `At least ${MIN_PASSWORD_LENGTH} characters` },
    );
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new BadRequestError(
      `Passwords may have at most ${MAX_PASSWORD_LENGTH} characters.`,
      "password_too_long",
      { password: `At most ${MAX_PASSWORD_LENGTH} characters` },
    );
  }
  return password;
}

/** Options of {@link createUser}. */
export interface CreateOptions {
  /** Only create the account if it is the first one (policy without invite). */
  firstOnly?: boolean;
  /** Re-run on every attempt: more checks/mutations for the same atomic. */
  extra?: () => Promise<AtomicExtra | undefined>;
}

/**
 * Creates a user; the first account on an empty store is the admin, every
 * other one a member. A taken username (or verified address) is a
 * ConflictError; with `firstOnly`, anything but the first account is a
 * ForbiddenError `invite_required`.
 */
export async function createUser(
  kv: Deno.Kv,
  input: {
    username: string;
    passwordHash?: string;
    email?: string;
    emailVerified?: boolean;
  },
  options: CreateOptions = {},
): Promise<User> {
  const username = validateUsername(input.username);
  const nameKey = ["users_by_name", username];
  for (let attempt = 0; attempt < 20; attempt++) {
    const marker = await kv.get<string>(FIRST_USER_KEY);
    const first = marker.value === null && await storeIsEmpty(kv);
    if (options.firstOnly && !first) {
      throw new ForbiddenError(
        "Signing up needs an invitation. Ask an admin for an invite link.",
        "invite_required",
      );
    }
    const user: User = {
      id: newId(),
      username,
      createdAt: new Date().toISOString(),
      role: first ? "admin" : "member",
    };
    if (input.passwordHash) user.passwordHash = input.passwordHash;
    if (input.email) user.email = input.email;
    if (input.emailVerified) user.emailVerified = true;
    const extra = await options.extra?.();
    const op = kv.atomic()
      .check({ key: nameKey, versionstamp: null })
      .check(marker)
      .set(["users", user.id], user)
      .set(nameKey, user.id);
    if (marker.value === null) {
      op.set(FIRST_USER_KEY, first ? user.id : "");
    }
    // The first account is the admin: it starts the active-admin set.
    if (first) op.set(ADMINS_KEY, [user.id]);
    if (user.email && user.emailVerified) {
      op.check({ key: emailKey(user.email), versionstamp: null })
        .set(emailKey(user.email), user.id);
    }
    extra?.(op, user);
    if ((await op.commit()).ok) return user;
    if ((await kv.get(nameKey)).value !== null) {
      throw new ConflictError("That username is taken.", "username_taken");
    }
    if (
      user.email && user.emailVerified &&
      (await kv.get(emailKey(user.email))).value !== null
    ) {
      throw new ConflictError(
        "That email address belongs to another account.",
        "email_taken",
      );
    }
  }
  throw new ConflictError("Sign-up collided; please try again.", "busy");
}

/** True while no account exists (the next one becomes the admin). */
export async function storeIsEmpty(kv: Deno.Kv): Promise<boolean> {
  for await (const _ of kv.list({ prefix: ["users"] }, { limit: 1 })) {
    return false;
  }
  return true;
}

/** The user with `id`, or null. */
export async function getUser(kv: Deno.Kv, id: string): Promise<User | null> {
  return (await kv.get<User>(["users", id])).value;
}

/** The user named `username` (case-insensitive), or null. */
export async function getUserByUsername(
  kv: Deno.Kv,
  username: string,
): Promise<User | null> {
  const name = String(username).trim().toLowerCase();
  if (!USERNAME_PATTERN.test(name)) return null;
  const id = (await kv.get<string>(["users_by_name", name])).value;
  return id ? await getUser(kv, id) : null;
}

/** Replaces a user's record (username changes are not supported here). */
export async function updateUser(kv: Deno.Kv, user: User): Promise<void> {
  await kv.set(["users", user.id], user);
}

/**
 * Changes a user's record atomically: `change` gets the current record and
 * returns the new one (or throws); retried when another write came between.
 * `extra` adds checks/mutations to the same atomic.
 */
export async function mutateUser(
  kv: Deno.Kv,
  id: string,
  change: (user: User) => User | Promise<User>,
  extra?: (op: Deno.AtomicOperation, before: User, after: User) => void,
): Promise<User> {
  for (;;) {
    const entry = await kv.get<User>(["users", id]);
    if (!entry.value) throw new ConflictError("No such account.", "no_user");
    const next = await change(structuredClone(entry.value));
    const op = kv.atomic().check(entry).set(["users", id], next);
    extra?.(op, entry.value, next);
    if ((await op.commit()).ok) return next;
    const now = await kv.get<User>(["users", id]);
    if (now.versionstamp === entry.versionstamp) {
      // Our own record did not move: an `extra` check failed.
      throw new ConflictError(
        "That change collided with another one.",
        "conflict",
      );
    }
  }
}

/** Every account, oldest first (admin listing; small workspaces). */
export async function listUsers(kv: Deno.Kv): Promise<User[]> {
  const out: User[] = [];
  for await (const e of kv.list<User>({ prefix: ["users"] })) {
    out.push(e.value);
  }
  return out;
}

/** The shown name: the display name, else the username. */
export function displayNameOf(
  user: Pick<User, "username" | "displayName">,
): string {
  return user.displayName || user.username;
}

/** Public view of a user. */
export function publicUser(user: User): { id: string; username: string } {
  return { id: user.id, username: user.username };
}
