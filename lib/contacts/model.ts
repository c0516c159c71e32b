/**
 * Contact and group types and the list of a contact's optional text fields.
 * Types only (no KV, no validation): islands may import it.
 * @module
 */

/** A labelled value such as `{label: "work", value: "a@b.example"}`. */
export interface LabeledValue {
  label: string;
  value: string;
}

/** A stored contact as the API returns it (DESIGN.md §9). */
export interface Contact {
  id: string;
  /** Display name. */
  name: string;
  givenName?: string;
  familyName?: string;
  /** Primary email (first of `emails`), "" when there is none. */
  email: string;
  emails: LabeledValue[];
  /** Primary phone (first of `phones`), absent when there is none. */
  phone?: string;
  phones: LabeledValue[];
  company?: string;
  title?: string;
  notes?: string;
  nickname?: string;
  /** `YYYY-MM-DD`, or `--MM-DD` without a year (vCard / Google style). */
  birthday?: string;
  /** A postal address as one text (may have new lines). */
  address?: string;
  /** A web address as typed (`example.com` or `https://...`). */
  website?: string;
  /** Ids of the owner's groups this contact is in. */
  groups: string[];
  createdAt: string;
  updatedAt: string;
}

/** The fields CSV and vCard export write. */
export type ExportableContact =
  & Pick<
    Contact,
    | "name"
    | "givenName"
    | "familyName"
    | "emails"
    | "phones"
    | "company"
    | "title"
    | "notes"
    | "nickname"
    | "birthday"
    | "address"
    | "website"
    | "groups"
  >
  & Partial<Pick<Contact, "id" | "updatedAt">>;

/** A group of contacts as the API returns it. */
export interface Group {
  id: string;
  name: string;
  createdAt: string;
  updatedAt: string;
}

/** The user-editable part of a contact, validated. */
export type ContactData = Omit<Contact, "id" | "createdAt" | "updatedAt">;

/** What clients send to create or update a contact. Every field optional. */
export interface ContactInput {
  name?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  emails?: Array<Partial<LabeledValue> | string>;
  phone?: string;
  phones?: Array<Partial<LabeledValue> | string>;
  company?: string;
  title?: string;
  notes?: string;
  nickname?: string;
  birthday?: string;
  address?: string;
  website?: string;
  groups?: string[];
}

/** The optional single-text fields of a contact (cleared by "" or null). */
export const TEXT_FIELDS = [
  "givenName",
  "familyName",
  "company",
  "title",
  "notes",
  "nickname",
  "birthday",
  "address",
  "website",
] as const;

/** One of {@link TEXT_FIELDS}. */
export type TextField = typeof TEXT_FIELDS[number];
