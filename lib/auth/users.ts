/**
 * User accounts in KV: `["users", id]` plus the unique index
 * `["users_by_name", username]`, written in one atomic operation.
 * @module
 */
import { BadRequestError, ConflictError } from "../errors.ts";
import { newId } from "../ids.ts";

/** A user account. */
export interface User {
  id: string;
  username: string;
  /** Argon2id PHC string; absent for accounts that only use OAuth. */
  passwordHash?: string;
  createdAt: string;
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

/** Creates a user; a taken username is a ConflictError. */
export async function createUser(
  kv: Deno.Kv,
  input: { username: string; passwordHash?: string },
): Promise<User> {
  const username = validateUsername(input.username);
  const user: User = {
    id: newId(),
    username,
    passwordHash: input.passwordHash,
    createdAt: new Date().toISOString(),
  };
  const nameKey = ["users_by_name", username];
  const res = await kv.atomic()
    .check({ key: nameKey, versionstamp: null })
    .set(["users", user.id], user)
    .set(nameKey, user.id)
    .commit();
  if (!res.ok) {
    throw new ConflictError("That username is taken.", "username_taken");
  }
  return user;
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

/** Public view of a user. */
export function publicUser(user: User): { id: string; username: string } {
  return { id: user.id, username: user.username };
}
