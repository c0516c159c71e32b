/**
 * CSV export in Google Contacts' own column layout (the one its "Google
 * CSV" export writes today), so a re-import into Google Contacts or Outlook
 * keeps every column, and our importer reads it back unchanged. RFC 4180,
 * UTF-8 with a BOM, formula escaping. Pure.
 * @module
 */
import { escapeCell, unparseCsv } from "./csv.ts";
import type { ExportableContact } from "./model.ts";

/** Google's name and organisation columns, in its order. */
const HEAD = [
  "First Name",
  "Middle Name",
  "Last Name",
  "Phonetic First Name",
  "Phonetic Middle Name",
  "Phonetic Last Name",
  "Name Prefix",
  "Name Suffix",
  "Nickname",
  "File As",
  "Organization Name",
  "Organization Title",
  "Organization Department",
  "Birthday",
  "Notes",
  "Photo",
  "Labels",
];

/** Google's address and website columns (after the phones). */
const TAIL = [
  "Address 1 - Label",
  "Address 1 - Formatted",
  "Address 1 - Street",
  "Address 1 - City",
  "Address 1 - PO Box",
  "Address 1 - Region",
  "Address 1 - Postal Code",
  "Address 1 - Country",
  "Address 1 - Extended Address",
  "Website 1 - Label",
  "Website 1 - Value",
];

/**
 * The Labels cell: Google's `* myContacts` then the group names, joined
 * by ` ::: ` (so names with `,` or `;` stay whole).
 */
function labelsCell(names: string[]): string {
  return ["* myContacts", ...names].join(" ::: ");
}

/** The header row for at most `emails` emails and `phones` phones. */
export function csvHeader(emails: number, phones: number): string[] {
  const head = [...HEAD];
  for (let i = 1; i <= emails; i++) {
    head.push(`E-mail ${i} - Label`, `E-mail ${i} - Value`);
  }
  for (let i = 1; i <= phones; i++) {
    head.push(`Phone ${i} - Label`, `Phone ${i} - Value`);
  }
  return [...head, ...TAIL];
}

/**
 * Contacts as a CSV file in Google's layout. The display name goes to
 * "File As" (Google's display and sort name); labels are written as they
 * are stored ("Work" stays "Work").
 */
export function contactsToCsv(
  contacts: ExportableContact[],
  groupNames: Map<string, string>,
): string {
  const maxE = Math.max(1, ...contacts.map((c) => c.emails.length));
  const maxP = Math.max(1, ...contacts.map((c) => c.phones.length));
  const data = contacts.map((c) => {
    const groups = c.groups.map((g) => groupNames.get(g) ?? "").filter(
      Boolean,
    );
    const row = [
      c.givenName ?? "",
      "",
      c.familyName ?? "",
      "",
      "",
      "",
      "",
      "",
      c.nickname ?? "",
      c.name,
      c.company ?? "",
      c.title ?? "",
      "",
      c.birthday ?? "",
      c.notes ?? "",
      "",
      labelsCell(groups),
    ];
    for (let i = 0; i < maxE; i++) {
      row.push(c.emails[i]?.label ?? "", c.emails[i]?.value ?? "");
    }
    for (let i = 0; i < maxP; i++) {
      row.push(c.phones[i]?.label ?? "", c.phones[i]?.value ?? "");
    }
    row.push("", c.address ?? "", "", "", "", "", "", "", "");
    row.push("", c.website ?? "");
    return row.map(escapeCell);
  });
  return "\uFEFF" + unparseCsv([csvHeader(maxE, maxP), ...data]) + "\r\n";
}
