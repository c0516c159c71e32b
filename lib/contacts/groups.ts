/**
 * Groups of contacts, per owner. A contact is in any number of groups;
 * deleting a group removes it from its contacts and never deletes them.
 * @module
 */
import { AppError, BadRequestError, NotFoundError } from "../errors.ts";
import { newId } from "../ids.ts";
import { commitWithRetry, listValues } from "../kv.ts";
import { isId } from "../params.ts";
import { BookWrite } from "./book_write.ts";
import { bookAtomic, getContacts, getStoredContacts } from "./contacts.ts";
import { fold, groupKey, groupNameKey } from "./keys.ts";
import { LIMITS } from "./limits.ts";
import type { Contact, Group } from "./model.ts";

export type { Group } from "./model.ts";

/** Trims and checks a group name; BadRequestError with `fields.name`. */
export function validateGroupName(raw: unknown): string {
  const name = typeof raw === "string" ? raw.trim().replace(/\s+/g, " ") : "";
  let problem = "";
  if (!name) problem = "Enter a group name.";
  // deno-lint-ignore no-control-regex
  else if (/[\u0000-\u001f\u007f]/.test(name)) {
    problem = "No control characters.";
  } else if (name.length > LIMITS.groupName) {
    problem = `At most ${LIMITS.groupName} characters.`;
  }
  if (problem) {
    throw new BadRequestError(problem, "invalid_group", { name: problem });
  }
  return name;
}

function duplicate(name: string) {
  const msg = `You already have a group named "${name}".`;
  return new AppError(409, "duplicate_group", msg, { name: msg });
}

/** All of the owner's groups, sorted by name. */
export async function listGroups(kv: Deno.Kv, owner: string): Promise<Group[]> {
  const groups = await listValues<Group>(kv, { prefix: ["group", owner] });
  return groups.sort((a, b) => fold(a.name).localeCompare(fold(b.name)));
}

/** The owner's group `id`; NotFoundError otherwise. */
export async function getGroup(
  kv: Deno.Kv,
  owner: string,
  id: string,
): Promise<Group> {
  const g = isId(id) // a malformed id cannot exist (nor fit in a KV key)
    ? (await kv.get<Group>(groupKey(owner, id))).value
    : null;
  if (!g) throw new NotFoundError("No such group.");
  return g;
}

/** Creates a group; 409 `duplicate_group` when the name (folded) is taken. */
export async function createGroup(
  kv: Deno.Kv,
  owner: string,
  rawName: unknown,
): Promise<Group> {
  const name = validateGroupName(rawName);
  const now = new Date().toISOString();
  const group: Group = { id: newId(), name, createdAt: now, updatedAt: now };
  return await commitWithRetry(kv, async () => {
    const { op } = await bookAtomic(kv, owner);
    const taken = await kv.get(groupNameKey(owner, name));
    if (taken.value) throw duplicate(name);
    op.check(taken)
      .set(groupKey(owner, group.id), group)
      .set(groupNameKey(owner, name), group.id);
    return [op, group];
  });
}

/** Renames a group; 404 for unknown ids, 409 for a taken name. */
export async function renameGroup(
  kv: Deno.Kv,
  owner: string,
  id: string,
  rawName: unknown,
): Promise<Group> {
  const name = validateGroupName(rawName);
  return await commitWithRetry(kv, async () => {
    const { op } = await bookAtomic(kv, owner);
    const before = await getGroup(kv, owner, id);
    const taken = await kv.get<string>(groupNameKey(owner, name));
    if (taken.value && taken.value !== id) throw duplicate(name);
    const after = { ...before, name, updatedAt: new Date().toISOString() };
    op.check(taken)
      .delete(groupNameKey(owner, before.name))
      .set(groupKey(owner, id), after)
      .set(groupNameKey(owner, name), id);
    return [op, after];
  });
}

/**
 * Deletes a group: first the group (so nobody can join it any more), then
 * its id is removed from every member, in batches. Contacts stay.
 */
export async function deleteGroup(
  kv: Deno.Kv,
  owner: string,
  id: string,
): Promise<void> {
  await commitWithRetry(kv, async () => {
    const { op } = await bookAtomic(kv, owner);
    const g = await getGroup(kv, owner, id);
    op.delete(groupKey(owner, id)).delete(groupNameKey(owner, g.name));
    return [op, undefined];
  });
  for (;;) {
    const ids: string[] = [];
    for await (
      const e of kv.list({ prefix: ["contact_group", owner, id] }, {
        limit: 15,
      })
    ) ids.push(e.key[e.key.length - 1] as string);
    if (!ids.length) return;
    await commitWithRetry(kv, async () => {
      const { op } = await bookAtomic(kv, owner);
      const write = new BookWrite(kv, owner);
      for (const before of await getStoredContacts(kv, owner, ids)) {
        const after: Contact = {
          ...before,
          groups: before.groups.filter((g) => g !== id),
        };
        write.change(before, after);
      }
      await write.stage(op);
      // Entries whose contact vanished meanwhile: drop them too.
      for await (
        const e of kv.list({ prefix: ["contact_group", owner, id] }, {
          limit: 15,
        })
      ) {
        if (ids.includes(e.key[e.key.length - 1] as string)) op.delete(e.key);
      }
      return [op, undefined];
    });
  }
}

/** Yields the members of a group in name order (any size, low memory). */
export async function* iterateGroupMembers(
  kv: Deno.Kv,
  owner: string,
  groupId: string,
): AsyncGenerator<Contact> {
  await getGroup(kv, owner, groupId);
  let batch: string[] = [];
  for await (
    const e of kv.list({ prefix: ["contact_group", owner, groupId] })
  ) {
    batch.push(e.key[e.key.length - 1] as string);
    if (batch.length === 100) {
      yield* await getContacts(kv, owner, batch);
      batch = [];
    }
  }
  if (batch.length) yield* await getContacts(kv, owner, batch);
}

/** All members of the owner's group; NotFoundError for unknown groups. */
export async function listGroupMembers(
  kv: Deno.Kv,
  owner: string,
  groupId: string,
): Promise<Contact[]> {
  const out: Contact[] = [];
  for await (const c of iterateGroupMembers(kv, owner, groupId)) out.push(c);
  return out;
}

/**
 * Ids of groups by name, creating the missing ones (used by import).
 * Returns a map from folded name to id.
 */
export async function ensureGroups(
  kv: Deno.Kv,
  owner: string,
  names: string[],
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const raw of names) {
    const name = validateGroupName(raw);
    if (out.has(fold(name))) continue;
    const id = (await kv.get<string>(groupNameKey(owner, name))).value;
    if (id) out.set(fold(name), id);
    else {
      try {
        out.set(fold(name), (await createGroup(kv, owner, name)).id);
      } catch (err) {
        if ((err as AppError).code !== "duplicate_group") throw err;
        const again = (await kv.get<string>(groupNameKey(owner, name))).value;
        if (again) out.set(fold(name), again);
      }
    }
  }
  return out;
}
