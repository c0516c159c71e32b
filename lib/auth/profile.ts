/**
 * The profile a user sees of themselves (`GET /api/me`).
 * @module
 */
import { roleOf, type User } from "./users.ts";

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
