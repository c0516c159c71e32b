/**
 * The profile a user sees of themselves (`GET /api/me`) and changes
 * (`PATCH /api/me`).
 * @module
 */
import { BadRequestError, ConflictError } from "../errors.ts";
import { isValidEmail } from "../email/address.ts";
import { createVerification } from "./email_verification.ts";
import { emailKey, mutateUser, roleOf, type User } from "./users.ts";

/** `GET /api/me`'s answer. */
export interface Profile {
  username: string;
  displayName: string;
  email: string | null;
  emailVerified: boolean;
  role: "admin" | "member";
  hasPassword: boolean;
  createdAt: string;
}

/** The profile view of `user`. */
export function profileOf(user: User): Profile {
  return {
    username: user.username,
    displayName: user.displayName || user.username,
    email: user.email ?? null,
    emailVerified: Boolean(user.email && user.emailVerified),
    role: roleOf(user),
    hasPassword: Boolean(user.passwordHash),
    createdAt: user.createdAt,
  };
}

/** Longest display name, in characters (code points). */
export const MAX_DISPLAY_NAME = 64;

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f\u2028\u2029]/;

/**
 * Validates a display name: trimmed, NFC, 1–64 characters of any script, no
 * control characters (they would break mail headers and layouts).
 */
export function validateDisplayName(raw: unknown): string {
  const name = typeof raw === "string" ? raw.normalize("NFC").trim() : "";
  const length = [...name].length;
  if (length < 1 || length > MAX_DISPLAY_NAME || CONTROL.test(name)) {
    throw new BadRequestError(
      `Display names are 1 to ${MAX_DISPLAY_NAME} characters, without control characters.`,
      "invalid_display_name",
      { displayName: `1 to ${MAX_DISPLAY_NAME} characters` },
    );
  }
  return name;
}

/** Validates an email address for a profile. */
export function validateEmail(raw: unknown): string {
  const email = typeof raw === "string" ? raw.trim() : "";
  if (!isValidEmail(email)) {
    throw new BadRequestError("Enter a valid email address.", "invalid_email", {
      email: "Not a valid address",
    });
  }
  return email;
}

/** The outcome of {@link updateProfile}. */
export interface ProfileUpdate {
  user: User;
  /** Set when the address changed: the token of the verification link to mail. */
  verifyToken?: string;
}

/**
 * Applies `PATCH /api/me {displayName?, email?}`. A new address is stored
 * unverified (the old verified one is released) and a verification token is
 * made; the same address again changes nothing.
 */
export async function updateProfile(
  kv: Deno.Kv,
  userId: string,
  input: Record<string, unknown>,
): Promise<ProfileUpdate> {
  const known = new Set(["displayName", "email"]);
  const unknown = Object.keys(input).filter((k) => !known.has(k));
  if (unknown.length) {
    throw new BadRequestError(
      `Unknown field(s): ${unknown.slice(0, 5).join(", ")}.`,
      "unknown_field",
    );
  }
  const displayName = input.displayName === undefined
    ? undefined
    : validateDisplayName(input.displayName);
  const email = input.email === undefined
    ? undefined
    : validateEmail(input.email);
  if (email) {
    const owner = (await kv.get<string>(emailKey(email))).value;
    if (owner && owner !== userId) {
      throw new ConflictError(
        "That email address belongs to another account.",
        "email_taken",
      );
    }
  }
  let changedEmail = false;
  const user = await mutateUser(kv, userId, (u) => {
    if (displayName !== undefined) u.displayName = displayName;
    if (email !== undefined && email !== u.email) {
      changedEmail = !(u.emailVerified &&
        u.email?.toLowerCase() === email.toLowerCase());
      if (changedEmail) u.emailVerified = false;
      u.email = email;
    }
    return u;
  }, (op, before, after) => {
    if (
      before.email && before.emailVerified && !after.emailVerified
    ) {
      // Release the old verified address (only if it is still ours).
      op.delete(emailKey(before.email));
    } else if (
      before.email && after.email && before.emailVerified &&
      before.email !== after.email
    ) {
      op.set(emailKey(after.email), userId);
    }
  });
  if (!changedEmail || !user.email) return { user };
  return {
    user,
    verifyToken: await createVerification(kv, user, user.email),
  };
}
