/**
 * CSV header recognition: generic names and both Google Contacts layouts.
 * Pure.
 * @module
 */

/** Which layout the header matched. */
export type CsvLayout = "generic" | "google" | "google-labels";

const FIELDS: Record<string, string> = {
  "name": "name",
  "full name": "name",
  "display name": "name",
  "file as": "name",
  "first name": "givenName",
  "given name": "givenName",
  "given_name": "givenName",
  "givenname": "givenName",
  "middle name": "middleName",
  "additional name": "middleName",
  "last name": "familyName",
  "family name": "familyName",
  "family_name": "familyName",
  "familyname": "familyName",
  "surname": "familyName",
  "email": "email",
  "e-mail": "email",
  "email address": "email",
  "e-mail address": "email",
  "mail": "email",
  "phone": "phone",
  "telephone": "phone",
  "mobile": "phone",
  "phone number": "phone",
  "tel": "phone",
  "company": "company",
  "organization": "company",
  "organisation": "company",
  "org": "company",
  "organization name": "company",
  "organization 1 - name": "company",
  "title": "title",
  "job title": "title",
  "organization title": "title",
  "organization 1 - title": "title",
  "notes": "notes",
  "note": "notes",
  "groups": "groups",
  "group": "groups",
  "categories": "groups",
  "labels": "groups",
  "group membership": "groups",
  "nickname": "nickname",
  "nick name": "nickname",
  "birthday": "birthday",
  "birth date": "birthday",
  "date of birth": "birthday",
  "address": "address",
  "postal address": "address",
  "home address": "address",
  "address 1 - formatted": "address",
  "website": "website",
  "web site": "website",
  "web page": "website",
  "url": "website",
  "website 1 - value": "website",
};

/** Maps one header to a field: `email`, `emails.2.value`, `phones.1.label`... */
export function headerField(header: string): string {
  const h = header.trim().toLowerCase().replace(/\s+/g, " ");
  if (FIELDS[h]) return FIELDS[h];
  const m = /^(e-?mail|phone) (\d+) - (value|type|label)$/.exec(h);
  if (m) {
    const kind = m[1] === "phone" ? "phones" : "emails";
    return `${kind}.${m[2]}.${m[3] === "value" ? "value" : "label"}`;
  }
  const n = /^(e-?mail|phone)[ _]?(\d+)$/.exec(h);
  if (n) return `${n[1] === "phone" ? "phones" : "emails"}.${n[2]}.value`;
  return "";
}

/** Which layout a header row is. */
export function detectLayout(headers: string[]): CsvLayout {
  const h = new Set(headers.map((x) => x.trim().toLowerCase()));
  if (h.has("group membership") || h.has("given name")) return "google";
  if (h.has("labels") && h.has("first name")) return "google-labels";
  return "generic";
}
