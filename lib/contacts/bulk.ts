/**
 * Bulk operations on many of an owner's contacts at once: delete, add to a
 * group, remove from a group, and restore (the undo of a bulk delete).
 * Every id is looked up in the owner's own book, so another user's ids are
 * simply "not found". Contacts are written a few per atomic, each atomic
 * checking the book revision like every other contact write.
 * @module
 */
import { AppError, BadRequestError } from "../errors.ts";
import { commitWithRetry } from "../kv.ts";
import { parseIdList } from "../params.ts";
import { BookWrite, publicContact } from "./book_write.ts";
import { bookAtomic, createContact, dropNameKey } from "./contacts.ts";
import { getStoredContacts } from "./contacts.ts";
import { getGroup } from "./groups.ts";
import { LIMITS } from "./limits.ts";
import type { Contact, ContactInput } from "./model.ts";

/** Most contacts one bulk request may name. */
export const BULK_MAX = 200;
/**
 * Contacts per atomic: a contact owns at most ~100 KV entries (8 emails,
 * 50 groups, 40 search tokens), so 8 stay under KV's 1,000 mutations.
 */
const PER_ATOMIC = 8;

/** The bulk actions. */
export type BulkAction =
  | "delete"
  | "add_to_group"
  | "remove_from_group"
  | "restore";

const ACTIONS: BulkAction[] = [
  "delete",
  "add_to_group",
  "remove_from_group",
  "restore",
];

/** A bulk request body, as sent by clients. */
export interface BulkRequest {
  action?: unknown;
  ids?: unknown;
  groupId?: unknown;
  /** For `restore`: the contacts a bulk delete answered. */
  contacts?: unknown;
}

/** What a bulk request did. */
export interface BulkResult {
  action: BulkAction;
  /** Contacts changed (deleted, moved, restored). */
  done: number;
  /** Ids that are not (or no longer) in the owner's book. */
  notFound: string[];
  /** Contacts that could not be changed, with why. */
  errors: Array<{ id: string; message: string }>;
  /**
   * The contacts as they are now (group actions, restore) or as they were
   * (delete: pass them back to `restore` to undo).
   */
  contacts: Contact[];
}

/**
 * Runs a bulk action. 400 for an unknown action, a bad id list (more than
 * {@link BULK_MAX}, malformed ids) or a missing `groupId`; 404 when the
 * group is not the owner's.
 */
export async function bulkContacts(
  kv: Deno.Kv,
  owner: string,
  req: BulkRequest,
): Promise<BulkResult> {
  if (!req || typeof req !== "object" || Array.isArray(req)) {
    throw new BadRequestError("Send a JSON object.", "invalid");
  }
  const action = req.action as BulkAction;
  if (!ACTIONS.includes(action)) {
    throw new BadRequestError(
      `action must be one of ${ACTIONS.join(", ")}.`,
      "invalid_action",
      { action: "Unknown action." },
    );
  }
  if (action === "restore") return await restore(kv, owner, req.contacts);
  const ids = parseIdList(req.ids, "ids", BULK_MAX, "invalid_ids");
  let groupId = "";
  if (action !== "delete") {
    if (typeof req.groupId !== "string" || !req.groupId) {
      throw new BadRequestError("Pick a group.", "invalid_group", {
        groupId: "Required for this action.",
      });
    }
    groupId = (await getGroup(kv, owner, req.groupId)).id;
  }
  const result: BulkResult = {
    action,
    done: 0,
    notFound: [],
    errors: [],
    contacts: [],
  };
  for (let i = 0; i < ids.length; i += PER_ATOMIC) {
    const chunk = ids.slice(i, i + PER_ATOMIC);
    const part = await commitWithRetry(kv, async () => {
      const { op } = await bookAtomic(kv, owner);
      const found = await getStoredContacts(kv, owner, chunk);
      const r = { ...emptyPart(), found: new Set(found.map((c) => c.id)) };
      const write = new BookWrite(kv, owner);
      if (action === "delete") {
        for (const c of found) {
          write.change(c, null);
          await dropNameKey(kv, owner, c, op);
          r.contacts.push(publicContact(c));
        }
        await write.stage(op);
        return [op, r];
      }
      await getGroup(kv, owner, groupId); // still there at commit time
      const now = new Date().toISOString();
      for (const c of found) {
        const has = c.groups.includes(groupId);
        if (has === (action === "add_to_group")) continue; // nothing to do
        if (!has && c.groups.length >= LIMITS.groups) {
          r.errors.push({
            id: c.id,
            message: `${c.name} is in ${LIMITS.groups} groups already.`,
          });
          continue;
        }
        const after: Contact = {
          ...c,
          groups: has
            ? c.groups.filter((g) => g !== groupId)
            : [...c.groups, groupId],
          updatedAt: now,
        };
        write.change(c, after);
        r.contacts.push(publicContact(after));
      }
      await write.stage(op);
      return [op, r];
    });
    result.done += part.contacts.length;
    result.contacts.push(...part.contacts);
    result.errors.push(...part.errors);
    result.notFound.push(...chunk.filter((id) => !part.found.has(id)));
  }
  return result;
}

function emptyPart() {
  return {
    contacts: [] as Contact[],
    errors: [] as BulkResult["errors"],
  };
}

/**
 * Re-creates deleted contacts under their old ids (the undo of a bulk
 * delete). Each is validated like a new contact; one that cannot be
 * restored (id taken again, email now used by another contact) is an error
 * for that contact only.
 */
async function restore(
  kv: Deno.Kv,
  owner: string,
  raw: unknown,
): Promise<BulkResult> {
  if (!Array.isArray(raw) || raw.length > BULK_MAX) {
    throw new BadRequestError(
      `contacts must be a list of at most ${BULK_MAX} contacts.`,
      "invalid_contacts",
      { contacts: `A list of at most ${BULK_MAX}.` },
    );
  }
  parseIdList(
    raw.map((c) => (c && typeof c === "object" ? c.id : undefined)),
    "contacts",
    BULK_MAX,
    "invalid_contacts",
  );
  const result: BulkResult = {
    action: "restore",
    done: 0,
    notFound: [],
    errors: [],
    contacts: [],
  };
  for (const c of raw as Array<Contact>) {
    const { id, createdAt, updatedAt: _u, email: _e, phone: _p, ...input } = c;
    try {
      const made = await createContact(kv, owner, input as ContactInput, {
        restoreId: id,
        createdAt,
      });
      result.contacts.push(made);
      result.done++;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      result.errors.push({ id, message: err.message });
    }
  }
  return result;
}
