/**
 * Adapts the address book (`lib/contacts/`) to the campaign draft: groups
 * and contacts of the owner become recipients (primary email and names).
 * @module
 */
import { getContacts } from "../contacts/contacts.ts";
import { getGroup, iterateGroupMembers } from "../contacts/groups.ts";
import { NotFoundError } from "../errors.ts";
import type { Contact } from "../contacts/model.ts";
import type { RecipientSource } from "./campaigns.ts";
import type { RecipientInput } from "./model.ts";
import { completeNames } from "../names.ts";

function toRecipient(c: Contact): RecipientInput {
  const r: RecipientInput = { email: c.email ?? "", contactId: c.id };
  // Contacts stored before names were split get theirs split here.
  const { givenName, familyName } = completeNames(c);
  if (givenName) r.firstName = givenName;
  if (familyName) r.lastName = familyName;
  if (c.name) r.name = c.name;
  return r;
}

/** Expands the owner's groups and contacts from KV. */
export function contactsSource(kv: Deno.Kv): RecipientSource {
  return {
    async expand(owner, { groups, contacts }) {
      const recipients: RecipientInput[] = [];
      const missing: string[] = [];
      for (const g of groups) {
        try {
          await getGroup(kv, owner, g);
        } catch (err) {
          if (!(err instanceof NotFoundError)) throw err;
          missing.push(g);
          continue;
        }
        for await (const c of iterateGroupMembers(kv, owner, g)) {
          recipients.push(toRecipient(c));
        }
      }
      for (let i = 0; i < contacts.length; i += 100) {
        const ids = contacts.slice(i, i + 100);
        const found = await getContacts(kv, owner, ids);
        const have = new Set(found.map((c) => c.id));
        for (const id of ids) if (!have.has(id)) missing.push(id);
        for (const c of found) recipients.push(toRecipient(c));
      }
      return { recipients, missing };
    },
  };
}
