/**
 * Display names for chat (mention autocomplete, notifications): the
 * account's display name when it has one (else none: show the username).
 * @module
 */
import { getUserByUsername } from "../auth/users.ts";

/** A member with the name to show. */
export interface Person {
  username: string;
  displayName?: string;
}

/** The display name of `username`, if the account has one. */
export async function displayNameOf(
  kv: Deno.Kv,
  username: string,
): Promise<string | undefined> {
  const user = await getUserByUsername(kv, username);
  return user?.displayName?.trim() || undefined;
}

/** `usernames` with their display names (at most 500 looked up). */
export async function people(
  kv: Deno.Kv,
  usernames: string[],
): Promise<Person[]> {
  const names = await Promise.all(
    usernames.slice(0, 500).map((u) => displayNameOf(kv, u)),
  );
  return usernames.slice(0, 500).map((username, i) =>
    names[i] ? { username, displayName: names[i] } : { username }
  );
}
