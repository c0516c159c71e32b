/**
 * The people directory and display names for chat: the protocol keeps
 * `author` = username; these maps add the name to show, additively.
 * @module
 */
import type { EventBus } from "../events.ts";
import { Presence } from "../chat/presence.ts";
import { getUserByUsername, listUsers, type User } from "./users.ts";

/** Shown for messages of a deleted account. */
export const DELETED_USER = "deleted user";

/** One person as the directory and chat show them. */
export interface PersonView {
  username: string;
  displayName: string;
  status: "active" | "deactivated" | "deleted";
  online?: boolean;
}

/** How `user` shows in chat and lists. */
export function personOf(user: User): PersonView {
  if (user.deletedAt) {
    return {
      username: user.username,
      displayName: DELETED_USER,
      status: "deleted",
    };
  }
  return {
    username: user.username,
    displayName: user.displayName || user.username,
    status: user.deactivatedAt ? "deactivated" : "active",
  };
}

/** The name to print next to a message: "deleted user", "Ann (deactivated)". */
export function shownName(p: PersonView): string {
  return p.status === "deactivated"
    ? `${p.displayName} (deactivated)`
    : p.displayName;
}

/** username → shown name for every account (chat pages; small workspaces). */
export async function nameMap(kv: Deno.Kv): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const u of await listUsers(kv)) out[u.username] = shownName(personOf(u));
  return out;
}

/** Longest directory answer. */
export const MAX_DIRECTORY = 500;

/**
 * Members for the directory and autocomplete: active accounts, optionally
 * filtered by `q` (prefix of username or any word of the display name,
 * case-insensitive), with presence for the first ones.
 */
export async function directory(
  kv: Deno.Kv,
  bus: EventBus,
  q = "",
  limit = MAX_DIRECTORY,
): Promise<PersonView[]> {
  const needle = q.trim().toLowerCase().slice(0, 64);
  const people = (await listUsers(kv))
    .filter((u) => !u.deletedAt && !u.deactivatedAt)
    .map(personOf)
    .filter((p) =>
      !needle || p.username.startsWith(needle) ||
      p.displayName.toLowerCase().split(/\s+/u).some((w) =>
        w.startsWith(needle)
      ) || p.displayName.toLowerCase().startsWith(needle)
    )
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .slice(0, Math.max(1, Math.min(limit, MAX_DIRECTORY)));
  const online = new Set(
    await new Presence(kv, bus).onlineAmong(people.map((p) => p.username), 200),
  );
  return people.map((p) => ({ ...p, online: online.has(p.username) }));
}

/** `{username: {displayName, status}}` for the authors of `messages`. */
export async function authorsOf(
  kv: Deno.Kv,
  messages: { author: string }[],
): Promise<Record<string, { displayName: string; status: string }>> {
  const out: Record<string, { displayName: string; status: string }> = {};
  const names = [...new Set(messages.map((m) => m.author))];
  await Promise.all(names.map(async (name) => {
    const user = await getUserByUsername(kv, name);
    const p = user
      ? personOf(user)
      : { displayName: DELETED_USER, status: "deleted" };
    out[name] = { displayName: p.displayName, status: p.status };
  }));
  return out;
}

/**
 * A history answer: `{messages}` plus, when there are any, `users` with the
 * authors' display names (additive; `author` stays the username).
 */
export async function withAuthors<M extends { author: string }>(
  kv: Deno.Kv,
  messages: M[],
): Promise<{ messages: M[]; users?: Awaited<ReturnType<typeof authorsOf>> }> {
  if (messages.length === 0) return { messages };
  return { messages, users: await authorsOf(kv, messages) };
}
