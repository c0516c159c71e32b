/**
 * Invitations: `["invites", id]` with the SHA-256 of the link's token,
 * `["invites_by_hash", hash]` → id and `["invites_by_creator", userId, id]`.
 * A sign-up uses one inside the same atomic that creates the account.
 * @module
 */
import type { Config } from "../config.ts";
import {
  BadRequestError,
  ForbiddenError,
  GoneError,
  NotFoundError,
} from "../errors.ts";
import { newId } from "../ids.ts";
import { isValidEmail } from "../email/address.ts";
import { lookupHash, newSecret, sameHash } from "./secrets.ts";
import { roleOf, type User } from "./users.ts";

/** A stored invitation (no token: only its hash). */
export interface Invite {
  id: string;
  hash: string;
  createdBy: string;
  createdByName: string;
  createdAt: string;
  expiresAt: string;
  maxUses: number;
  usesLeft: number;
  email?: string;
  revokedAt?: string;
}

/** The API view of an invitation (`url` only right after creation). */
export interface InviteView {
  id: string;
  url?: string;
  expiresAt: string;
  usesLeft: number;
  maxUses: number;
  email?: string;
  createdBy: string;
  createdAt: string;
  status: "active" | "expired" | "revoked" | "used";
}

/** Most sign-ups one link allows. */
export const MAX_INVITE_USES = 100;
/** Longest lifetime of a link, in hours (30 days). */
export const MAX_INVITE_HOURS = 720;
/** Default lifetime: 7 days. */
export const DEFAULT_INVITE_HOURS = 168;
const KEEP_AFTER_EXPIRY_MS = 7 * 86400_000;

const inviteKey = (id: string) => ["invites", id];
const hashKey = (hash: string) => ["invites_by_hash", hash];
const creatorKey = (userId: string, id: string) => [
  "invites_by_creator",
  userId,
  id,
];

/** Throws unless `user` may create invitations under this configuration. */
export function assertMayInvite(config: Config, user: User): void {
  if (config.signupPolicy === "closed") {
    throw new ForbiddenError(
      "Sign-up is closed on this server (SIGNUP_POLICY=closed).",
      "signup_closed",
    );
  }
  if (roleOf(user) !== "admin" && !config.membersCanInvite) {
    throw new ForbiddenError("Only admins can invite people.", "admin_only");
  }
}

function intIn(
  raw: unknown,
  min: number,
  max: number,
  fallback: number,
  field: string,
): number {
  if (raw === undefined || raw === null) return fallback;
  if (
    typeof raw !== "number" || !Number.isInteger(raw) || raw < min || raw > max
  ) {
    throw new BadRequestError(
      `${field} must be a whole number from ${min} to ${max}.`,
      "invalid_field",
      { [field]: `${min} to ${max}` },
    );
  }
  return raw;
}

/** Creates an invitation; returns it and the link's token (shown once). */
export async function createInvite(
  kv: Deno.Kv,
  config: Config,
  creator: User,
  input: Record<string, unknown>,
): Promise<{ invite: Invite; token: string }> {
  assertMayInvite(config, creator);
  const maxUses = intIn(input.uses, 1, MAX_INVITE_USES, 1, "uses");
  const hours = intIn(
    input.expiresInHours,
    1,
    MAX_INVITE_HOURS,
    DEFAULT_INVITE_HOURS,
    "expiresInHours",
  );
  let email: string | undefined;
  if (input.email !== undefined && input.email !== "") {
    email = typeof input.email === "string" ? input.email.trim() : "";
    if (!isValidEmail(email)) {
      throw new BadRequestError(
        "Enter a valid email address.",
        "invalid_email",
        {
          email: "Not a valid address",
        },
      );
    }
  }
  const { token, hash } = await newSecret();
  const now = Date.now();
  const ttl = hours * 3600_000;
  const invite: Invite = {
    id: newId(),
    hash,
    createdBy: creator.id,
    createdByName: creator.username,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + ttl).toISOString(),
    maxUses,
    usesLeft: maxUses,
  };
  if (email) invite.email = email;
  const expireIn = ttl + KEEP_AFTER_EXPIRY_MS;
  await kv.atomic()
    .set(inviteKey(invite.id), invite, { expireIn })
    .set(hashKey(hash), invite.id, { expireIn })
    .set(creatorKey(creator.id, invite.id), true, { expireIn })
    .commit();
  return { invite, token };
}

/** The link that accepts an invitation. */
export function inviteUrl(appUrl: string, token: string): string {
  return `${appUrl}/signup?invite=${encodeURIComponent(token)}`;
}

/** The state of an invitation now. */
export function inviteStatus(
  invite: Invite,
  now = Date.now(),
): InviteView["status"] {
  if (invite.revokedAt) return "revoked";
  if (invite.usesLeft <= 0) return "used";
  if (Date.parse(invite.expiresAt) <= now) return "expired";
  return "active";
}

/** The API view of an invitation. */
export function inviteView(invite: Invite, url?: string): InviteView {
  const view: InviteView = {
    id: invite.id,
    expiresAt: invite.expiresAt,
    usesLeft: invite.usesLeft,
    maxUses: invite.maxUses,
    createdBy: invite.createdByName,
    createdAt: invite.createdAt,
    status: inviteStatus(invite),
  };
  if (url) view.url = url;
  if (invite.email) view.email = invite.email;
  return view;
}

/** Invitations `user` may see: all for admins, their own for members. */
export async function listInvites(kv: Deno.Kv, user: User): Promise<Invite[]> {
  const out: Invite[] = [];
  if (roleOf(user) === "admin") {
    for await (const e of kv.list<Invite>({ prefix: ["invites"] })) {
      out.push(e.value);
    }
  } else {
    const keys: Deno.KvKey[] = [];
    for await (
      const e of kv.list({ prefix: ["invites_by_creator", user.id] })
    ) {
      keys.push(inviteKey(String(e.key[2])));
    }
    for (let i = 0; i < keys.length; i += 10) {
      for (const e of await kv.getMany<Invite[]>(keys.slice(i, i + 10))) {
        if (e.value) out.push(e.value);
      }
    }
  }
  return out.reverse();
}

/** Revokes an invitation; another member's invitation answers 404. */
export async function revokeInvite(
  kv: Deno.Kv,
  user: User,
  id: string,
): Promise<Invite> {
  for (;;) {
    const entry = await kv.get<Invite>(inviteKey(String(id).slice(0, 64)));
    const invite = entry.value;
    if (!invite || (roleOf(user) !== "admin" && invite.createdBy !== user.id)) {
      throw new NotFoundError("No such invitation.");
    }
    if (invite.revokedAt) return invite;
    invite.revokedAt = new Date().toISOString();
    const res = await kv.atomic().check(entry).set(entry.key, invite, {
      expireIn: KEEP_AFTER_EXPIRY_MS,
    }).commit();
    if (res.ok) return invite;
  }
}

/**
 * The usable invitation behind a link's token, with its KV entry (for the
 * atomic that uses it). Unknown, expired, revoked and used-up links are a
 * GoneError (410) with a reason a person understands.
 */
export async function findUsableInvite(
  kv: Deno.Kv,
  token: unknown,
): Promise<Deno.KvEntry<Invite>> {
  const hash = await lookupHash(token);
  const id = hash && (await kv.get<string>(hashKey(hash))).value;
  const entry = id ? await kv.get<Invite>(inviteKey(id)) : null;
  const invite = entry?.value;
  if (!entry || !invite || !hash || !sameHash(invite.hash, hash)) {
    throw new GoneError(
      "This invitation link is not valid. Ask for a new one.",
      "invite_invalid",
    );
  }
  switch (inviteStatus(invite)) {
    case "revoked":
      throw new GoneError(
        "This invitation was revoked. Ask for a new one.",
        "invite_revoked",
      );
    case "used":
      throw new GoneError(
        "This invitation has already been used. Ask for a new one.",
        "invite_used",
      );
    case "expired":
      throw new GoneError(
        "This invitation has expired. Ask for a new one.",
        "invite_expired",
      );
  }
  return entry as Deno.KvEntry<Invite>;
}

/** Adds "use one seat of this invitation" to an atomic (checks it is unchanged). */
export function useInvite(
  op: Deno.AtomicOperation,
  entry: Deno.KvEntry<Invite>,
): void {
  const invite = { ...entry.value, usesLeft: entry.value.usesLeft - 1 };
  const keep = Math.max(
    Date.parse(invite.expiresAt) - Date.now() + KEEP_AFTER_EXPIRY_MS,
    60_000,
  );
  op.check(entry).set(entry.key, invite, { expireIn: keep });
}
