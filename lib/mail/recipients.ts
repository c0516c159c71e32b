/**
 * Recipient expansion for drafts: groups and contacts from the address book
 * plus typed addresses, validated, deduplicated, with CR/LF/NUL refused.
 * @module
 */
import { BadRequestError, NotFoundError } from "../errors.ts";
import { emailProblem, trimAddress } from "../email/address.ts";
import { parseIdList } from "../params.ts";
import { completeNames } from "../names.ts";
import {
  assertHeaderSafe,
  hasHeaderBreak,
  normalizeEmail,
  parseMailbox,
} from "./headers.ts";
import type { RecipientInput } from "./model.ts";

/** Limits on recipients, all explicit. */
export const RECIPIENT_LIMITS = {
  nameChars: 200,
  maxRecipients: 50_000,
  maxTyped: 5_000,
};

/** Where groups and contacts come from (the contacts module, adapted). */
export interface RecipientSource {
  /** Expands the owner's groups and contacts; unknown ids go to `missing`. */
  expand(
    owner: string,
    selection: { groups: string[]; contacts: string[] },
  ): Promise<{ recipients: RecipientInput[]; missing: string[] }>;
}

/** A source with no address book: only typed addresses work. */
export const noContacts: RecipientSource = {
  expand(_owner, sel) {
    return Promise.resolve({
      recipients: [],
      missing: [...sel.groups, ...sel.contacts],
    });
  },
};

/** An address that was left out of a draft, and why. */
export interface InvalidAddress {
  email: string;
  reason: string;
}

function ids(v: unknown, field: string, max: number): string[] {
  if (v === undefined || v === null) return [];
  if (field !== "emails") return parseIdList(v, `to.${field}`, max);
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) {
    throw new BadRequestError(
      `The recipients field to.${field} must be a list of strings.`,
    );
  }
  if (v.length > max) {
    throw new BadRequestError(
      `The recipients field to.${field} has more than ${max} entries.`,
    );
  }
  return v as string[];
}

function checkName(v: string | undefined, field: string): string | undefined {
  if (!v) return undefined;
  assertHeaderSafe(v, field);
  return v.trim().slice(0, RECIPIENT_LIMITS.nameChars) || undefined;
}

/**
 * Expands groups, contacts and typed addresses into unique, valid
 * recipients. CR/LF/NUL anywhere is a 400 (nothing is drafted).
 */
export async function expandRecipients(
  owner: string,
  to: { groups?: unknown; contacts?: unknown; emails?: unknown } | undefined,
  source: RecipientSource,
): Promise<
  {
    recipients: RecipientInput[];
    invalid: InvalidAddress[];
    duplicates: number;
  }
> {
  const groups = ids(to?.groups, "groups", 1000);
  const contacts = ids(
    to?.contacts,
    "contacts",
    RECIPIENT_LIMITS.maxRecipients,
  );
  const emails = ids(to?.emails, "emails", RECIPIENT_LIMITS.maxTyped);
  const expanded = groups.length || contacts.length
    ? await source.expand(owner, { groups, contacts })
    : { recipients: [], missing: [] };
  if (expanded.missing.length) {
    throw new NotFoundError(
      `Unknown group or contact: ${expanded.missing.slice(0, 5).join(", ")}.`,
    );
  }
  const typed: RecipientInput[] = emails.map((raw) => {
    assertHeaderSafe(raw, "to.emails");
    const { name, address } = parseMailbox(raw);
    const { givenName, familyName } = completeNames({ name });
    return {
      email: address,
      name: name || undefined,
      firstName: givenName,
      lastName: familyName,
    };
  });
  const seen = new Set<string>();
  const recipients: RecipientInput[] = [];
  const invalid: InvalidAddress[] = [];
  let duplicates = 0;
  for (const r of [...expanded.recipients, ...typed]) {
    const email = trimAddress(r.email ?? "");
    if (hasHeaderBreak(email)) assertHeaderSafe(email, "email");
    const problem = email ? emailProblem(email) : "No email address.";
    if (problem) {
      invalid.push({ email, reason: problem });
      continue;
    }
    const norm = normalizeEmail(email);
    if (seen.has(norm)) {
      duplicates++;
      continue;
    }
    seen.add(norm);
    const firstName = checkName(r.firstName, "first_name");
    const lastName = checkName(r.lastName, "last_name");
    const name = checkName(r.name, "name") ??
      ([firstName, lastName].filter(Boolean).join(" ") || undefined);
    recipients.push({
      email,
      firstName,
      lastName,
      name,
      contactId: r.contactId,
    });
  }
  if (recipients.length > RECIPIENT_LIMITS.maxRecipients) {
    throw new BadRequestError(
      `A campaign has at most ${RECIPIENT_LIMITS.maxRecipients} recipients.`,
      "too_many_recipients",
    );
  }
  return { recipients, invalid, duplicates };
}
