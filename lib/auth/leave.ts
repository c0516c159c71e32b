/**
 * Leaving: `exportAccount` gathers what a member may take with them (JSON
 * of profile, messages they wrote, contacts, groups, campaigns) and
 * `deleteAccount` removes contacts, groups, campaigns, sessions and linked
 * providers (lib/auth/account_cleanup.ts, resumed at start-up when a
 * process stopped half-way). Messages stay; the user record becomes a tombstone (username
 * kept reserved, so nobody inherits the messages) shown as "deleted user".
 * @module
 */
import type { EventBus } from "../events.ts";
import { BadRequestError, ForbiddenError } from "../errors.ts";
import { listMyRoomIds } from "../chat/room_lists.ts";
import { msgPrefix } from "../chat/keys.ts";
import { verifyPassword } from "./passwords.ts";
import { profileOf } from "./profile.ts";
import type { Session } from "./sessions.ts";
import {
  campaignIds,
  cleanupKey,
  type PendingCleanup,
  runAccountCleanup,
} from "./account_cleanup.ts";
import { mutateUserKeepingAdmin } from "./admin_set.ts";
import { emailKey, type User } from "./users.ts";

/** A sign-in this recent replaces the password for accounts without one. */
export const RECENT_SIGN_IN_MS = 10 * 60_000;

async function values<T>(kv: Deno.Kv, prefix: Deno.KvKey): Promise<T[]> {
  const out: T[] = [];
  for await (const e of kv.list<T>({ prefix })) out.push(e.value);
  return out;
}

/** `GET /api/me/export`: everything the member owns or wrote, as one object. */
export async function exportAccount(
  kv: Deno.Kv,
  user: User,
): Promise<Record<string, unknown>> {
  const messages: unknown[] = [];
  for (const room of await listMyRoomIds(kv, user.username)) {
    for await (
      const e of kv.list<{ author: string }>({ prefix: msgPrefix(room) })
    ) {
      if (e.value.author === user.username) messages.push(e.value);
    }
  }
  const campaigns: unknown[] = [];
  for (const id of await campaignIds(kv, user.username)) {
    const c = (await kv.get(["mail_campaign", id])).value;
    if (c) campaigns.push(c);
  }
  return {
    exportedAt: new Date().toISOString(),
    profile: profileOf(user),
    messages,
    contacts: await values(kv, ["contact", user.id]),
    groups: await values(kv, ["group", user.id]),
    campaigns,
  };
}

/**
 * `DELETE /api/me {password}`. Accounts with a password must give it;
 * accounts without one need a session started in the last 10 minutes.
 * The last active admin cannot leave (409 `last_admin`).
 */
export async function deleteAccount(
  kv: Deno.Kv,
  bus: EventBus,
  user: User,
  session: Session,
  input: Record<string, unknown>,
): Promise<void> {
  if (user.passwordHash) {
    const password = typeof input.password === "string" ? input.password : "";
    if (
      !password || password.length > 1024 ||
      !await verifyPassword(password, user.passwordHash)
    ) {
      throw new BadRequestError(
        "That is not your current password.",
        "wrong_password",
        { password: "Wrong password" },
      );
    }
  } else if (Date.parse(session.createdAt) < Date.now() - RECENT_SIGN_IN_MS) {
    throw new ForbiddenError(
      "Sign in again (within the last 10 minutes) to delete your account.",
      "recent_sign_in_required",
    );
  }
  // The tombstone first: it decides "an active admin remains" in one
  // atomic (409 last_admin) before anything is removed. The same atomic
  // records the clean-up as pending, so a restart finishes it if this
  // process stops half-way (lib/auth/account_cleanup.ts).
  const deletedAt = new Date().toISOString();
  const pending: PendingCleanup = {
    userId: user.id,
    username: user.username,
    deletedAt,
  };
  await mutateUserKeepingAdmin(kv, user.id, (u) => ({
    id: u.id,
    username: u.username,
    createdAt: u.createdAt,
    role: "member",
    deletedAt,
  }), {
    extra: (op, before) => {
      if (before.email && before.emailVerified) {
        op.delete(emailKey(before.email));
      }
      op.set(cleanupKey(user.id), pending);
    },
  });
  await runAccountCleanup(kv, bus, pending);
}
