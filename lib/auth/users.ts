// TEMPORARY STUB until the foundation lands on main. Delete before merging main.
import { ConflictError } from "../errors.ts";
import { newId } from "../ids.ts";

export interface User {
  id: string;
  username: string;
  passwordHash?: string;
  createdAt: string;
}

export async function createUser(
  kv: Deno.Kv,
  input: { username: string; passwordHash?: string },
): Promise<User> {
  const user: User = {
    id: newId(),
    ...input,
    createdAt: new Date().toISOString(),
  };
  const res = await kv.atomic()
    .check({ key: ["users_by_username", input.username], versionstamp: null })
    .set(["users", user.id], user)
    .set(["users_by_username", input.username], user.id).commit();
  if (!res.ok) {
    throw new ConflictError("That username is taken.", "username_taken");
  }
  return user;
}

export async function getUser(kv: Deno.Kv, id: string): Promise<User | null> {
  return (await kv.get<User>(["users", id])).value;
}

export async function getUserByUsername(
  kv: Deno.Kv,
  username: string,
): Promise<User | null> {
  const id = (await kv.get<string>(["users_by_username", username])).value;
  return id ? await getUser(kv, id) : null;
}
