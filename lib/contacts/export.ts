/**
 * Exporting an owner's whole book as CSV (RFC 4180, UTF-8 BOM, formula
 * escaping) or vCard 4.0, in alphabetical order.
 * @module
 */
import { getContacts } from "./contacts.ts";
import { contactsToCsv } from "./csv_export.ts";
import { listGroups } from "./groups.ts";
import type { Contact } from "./model.ts";
import { contactToVcard } from "./vcard.ts";

/** Export formats. */
export type ExportFormat = "csv" | "vcard";

/** Yields every contact of the owner, alphabetically, 100 at a time. */
export async function* iterateContacts(
  kv: Deno.Kv,
  owner: string,
): AsyncGenerator<Contact> {
  let ids: string[] = [];
  for await (const e of kv.list({ prefix: ["contact_sorted", owner] })) {
    ids.push(e.key[e.key.length - 1] as string);
    if (ids.length === 100) {
      yield* await getContacts(kv, owner, ids);
      ids = [];
    }
  }
  if (ids.length) yield* await getContacts(kv, owner, ids);
}

/** The owner's book as a file: its text, MIME type and file name. */
export async function exportContacts(
  kv: Deno.Kv,
  owner: string,
  format: ExportFormat,
): Promise<{ body: string; type: string; filename: string }> {
  const groups = new Map(
    (await listGroups(kv, owner)).map((g) => [g.id, g.name]),
  );
  const all: Contact[] = [];
  for await (const c of iterateContacts(kv, owner)) all.push(c);
  if (format === "vcard") {
    return {
      body: all.map((c) => contactToVcard(c, groups)).join(""),
      type: "text/vcard; charset=utf-8",
      filename: "contacts.vcf",
    };
  }
  return {
    body: contactsToCsv(all, groups),
    type: "text/csv; charset=utf-8",
    filename: "contacts.csv",
  };
}
