/**
 * Changing a password (needs the current one) or setting a first password
 * on an account made through a provider. The caller ends every other
 * session of the user.
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { hashPassword, verifyPassword } from "./passwords.ts";
import { mutateUser, type User, validatePassword } from "./users.ts";

/** Sets `newPassword`; `currentPassword` must match when there is one. */
export async function changePassword(
  kv: Deno.Kv,
  user: User,
  input: { currentPassword?: unknown; newPassword?: unknown },
): Promise<User> {
  const next = validatePassword(input.newPassword);
  if (user.passwordHash) {
    const current = typeof input.currentPassword === "string"
      ? input.currentPassword
      : "";
    if (
      !current || current.length > 1024 ||
      !await verifyPassword(current, user.passwordHash)
    ) {
      throw new BadRequestError(
        "That is not your current password.",
        "wrong_password",
        { currentPassword: "Wrong password" },
      );
    }
  }
  const passwordHash = await hashPassword(next);
  return await mutateUser(kv, user.id, (u) => ({ ...u, passwordHash }));
}
