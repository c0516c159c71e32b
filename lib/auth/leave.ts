/**
 * Leaving: `exportAccount` gathers what a member may take with them (JSON
 * of profile, messages they wrote, contacts, groups, campaigns) and
 * `deleteAccount` removes contacts, groups, campaigns, sessions and linked
 * providers. Messages stay; the user record becomes a tombstone (username
 * kept reserved, so nobody inherits the messages) shown as "deleted user".
 * @module
 */
import type { EventBus } from "../events.ts";
import { BadRequestError, ForbiddenError } from "../errors.ts";
import { listMyRoomIds } from "../chat/room_lists.ts";
import { msgPrefix } from "../chat/keys.ts";
import { deleteDigestsOf } from "../mail/digest_ledger.ts";
import { verifyPassword } from "./passwords.ts";
import { profileOf } from "./profile.ts";
import type { Session } from "./sessions.ts";
import { endSessions } from "./user_sessions.ts";
import { mutateUserKeepingAdmin } from "./admin_set.ts";
import { emailKey, type User } from "./users.ts";

/** A sign-in this recent replaces the password for accounts without one. */
export const RECENT_SIGN_IN_MS = 10 * 60_000;

/** Address-book keys owned by a user id (see lib/contacts/keys.ts). */
const CONTACT_PREFIXES = [
  "contact",
  "contact_email",
  "contact_namekey",
  "contact_sorted",
  "contact_group",
  "contact_search",
  "contact_ix",
  "contact_ixv",
  "contacts_rev",
  "group",
  "group_name",
];
/** Mail keys owned by a username (see lib/mail/model.ts). */
const MAIL_OWNER_PREFIXES = [
  "mail_user_campaign",
  "mail_suppressed",
  "mail_quota",
  "mail_outbox",
];
/** Mail keys of one campaign id. */
const CAMPAIGN_PREFIXES = [
  "mail_campaign",
  "mail_draft",
  "mail_count",
  "mail_rcpt",
  "mail_due",
  "mail_active",
];

async function values<T>(kv: Deno.Kv, prefix: Deno.KvKey): Promise<T[]> {
  const out: T[] = [];
  for await (const e of kv.list<T>({ prefix })) out.push(e.value);
  return out;
}

async function campaignIds(kv: Deno.Kv, username: string): Promise<string[]> {
  const ids: string[] = [];
  for await (const e of kv.list({ prefix: ["mail_user_campaign", username] })) {
    ids.push(String(e.key[2]));
  }
  return ids;
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

/** Deletes each key itself and every key below it. */
async function deletePrefixes(kv: Deno.Kv, prefixes: Deno.KvKey[]) {
  for (const prefix of prefixes) {
    await kv.delete(prefix);
    let op = kv.atomic();
    let n = 0;
    for await (const e of kv.list({ prefix })) {
      op.delete(e.key);
      if (++n % 500 === 0) {
        await op.commit();
        op = kv.atomic();
      }
    }
    await op.commit();
  }
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
  // atomic (409 last_admin) before anything is removed.
  await mutateUserKeepingAdmin(kv, user.id, (u) => ({
    id: u.id,
    username: u.username,
    createdAt: u.createdAt,
    role: "member",
    deletedAt: new Date().toISOString(),
  }), {
    extra: (op, before) => {
      if (before.email && before.emailVerified) {
        op.delete(emailKey(before.email));
      }
    },
  });
  const campaigns = await campaignIds(kv, user.username);
  for (const id of campaigns) await kv.delete(["mail_active", id]);
  await deleteDigestsOf(kv, user.username);
  await deletePrefixes(kv, [
    ...CONTACT_PREFIXES.map((p) => [p, user.id]),
    ...MAIL_OWNER_PREFIXES.map((p) => [p, user.username]),
    ...campaigns.flatMap((id) => CAMPAIGN_PREFIXES.map((p) => [p, id])),
    ["user_identities_by_user", user.id],
  ]);
  for await (
    const e of kv.list<{ userId: string }>({ prefix: ["user_identities"] })
  ) {
    if (e.value?.userId === user.id) await kv.delete(e.key);
  }
  await endSessions(kv, bus, user, "all");
}
