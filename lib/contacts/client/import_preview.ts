/**
 * The import dialog's preview: reads the start of a picked file (CSV or
 * vCard) into its layout, column mapping and first rows. Browser code; the
 * parsers load on first use.
 * @module
 */
import type { ImportRow } from "../csv.ts";

/** What the import dialog shows before importing. */
export interface Preview {
  format: "csv" | "vcard";
  layout: string;
  mapping: Array<[string, string]>;
  rows: ImportRow[];
}

/** Human name of a mapped field: "emails.2.value" → "Email 2". */
function fieldName(f: string): string {
  if (!f) return "not imported";
  const m = /^(emails|phones)\.(\d+)\.(value|label)$/.exec(f);
  if (m) {
    return `${m[1] === "emails" ? "Email" : "Phone"} ${m[2]}${
      m[3] === "label" ? " label" : ""
    }`;
  }
  return ({
    givenName: "Given name",
    familyName: "Family name",
    middleName: "Middle name",
  } as Record<string, string>)[f] ??
    f[0].toUpperCase() + f.slice(1);
}

/**
 * Only the start of the file is parsed for the preview. The parsers (and
 * their libraries) load on first use, not with the page.
 */
export async function preview(text: string, name: string): Promise<Preview> {
  const head = text.slice(0, 65536);
  const isVcard = /\.vcf$|\.vcard$/i.test(name) ||
    /^\uFEFF?\s*BEGIN:VCARD/i.test(head);
  if (isVcard) {
    const end = head.toUpperCase().lastIndexOf("END:VCARD");
    const { parseVcards } = await import("../vcard.ts");
    const r = parseVcards(end > 0 ? head.slice(0, end + 9) : head);
    return {
      format: "vcard",
      layout: "vcard",
      mapping: [],
      rows: r.rows.slice(0, 5),
    };
  }
  const cut = text.length > head.length
    ? head.slice(0, head.lastIndexOf("\n") + 1)
    : head;
  const { parseContactsCsv } = await import("../csv.ts");
  const r = parseContactsCsv(cut);
  return {
    format: "csv",
    layout: r.layout,
    mapping: r.headers.map((h, i) =>
      [h, fieldName(r.mapping[i])] as [string, string]
    )
      .filter(([h]) => h),
    rows: r.rows.slice(0, 5),
  };
}
