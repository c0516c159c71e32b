/**
 * CSV import parsing (generic headers, both Google Contacts layouts) and
 * RFC 4180 export. Pure: the import dialog uses it for its preview.
 * @module
 */
import PapaParse from "papaparse";
import type { ContactInput, ExportableContact, LabeledValue } from "./model.ts";
import { type CsvLayout, detectLayout, headerField } from "./csv_headers.ts";

export { type CsvLayout, headerField } from "./csv_headers.ts";

// The few papaparse calls we use, typed here: @types/papaparse would pull
// @types/node into the project and replace Deno's own node types.
interface StepResult {
  data: string[];
  errors: Array<{ type: string; message: string }>;
  meta: { cursor: number };
}
interface PapaApi {
  parse(
    text: string,
    config: { delimiter: string; step: (r: StepResult) => void },
  ): void;
  unparse(data: string[][], config: { newline: string }): string;
}
const Papa = PapaParse as unknown as PapaApi;

/** One record of an import file, before validation. */
export interface ImportRow {
  /** 1-based line of the file where the record starts (header = line 1). */
  line: number;
  contact: ContactInput;
  /** Group names (created on import when missing). */
  groupNames: string[];
}

/** A record that could not be read at all. */
export interface RowError {
  line: number;
  message: string;
}

/** The result of reading a CSV file. */
export interface CsvParse {
  layout: CsvLayout;
  delimiter: string;
  headers: string[];
  /** For each header, the contact field it fills ("" when ignored). */
  mapping: string[];
  rows: ImportRow[];
  errors: RowError[];
}

function guessDelimiter(firstLine: string): string {
  const counts = [",", ";", "\t", "|"].map((
    d,
  ) => [d, firstLine.split(d).length]);
  counts.sort((a, b) => (b[1] as number) - (a[1] as number));
  return counts[0][1] as number > 1 ? counts[0][0] as string : ",";
}

const FORMULA = /^'*[=+\-@\t\r]/;

/** Undoes our export's formula escaping: `'=1+1` → `=1+1`. */
export function unescapeCell(v: string): string {
  return v.startsWith("'") && FORMULA.test(v.slice(1)) ? v.slice(1) : v;
}

/** Escapes a cell a spreadsheet would run as a formula with a leading `'`. */
export function escapeCell(v: string): string {
  return FORMULA.test(v) ? `'${v}` : v;
}

/** Splits a multi-value cell: Google's ` ::: `, else `;`/`,`/`|` for groups. */
function splitValues(v: string, loose: boolean): string[] {
  const parts = v.includes(":::")
    ? v.split(":::")
    : loose
    ? v.split(/[;,|]/)
    : [v];
  return parts.map((p) => p.trim()).filter(Boolean);
}

/** Google system labels ("* myContacts") are not groups; "* starred" → "starred". */
function groupName(v: string): string {
  if (/^\* ?mycontacts$/i.test(v)) return "";
  return v.replace(/^\* ?/, "").trim();
}

function labelOf(v: string): string {
  return v.replace(/^\* ?/, "").trim().toLowerCase();
}

function buildRow(cells: string[], mapping: string[], line: number): ImportRow {
  const c: ContactInput & { middleName?: string } = {};
  const groupNames: string[] = [];
  const lists: Record<"emails" | "phones", Map<number, LabeledValue[]>> = {
    emails: new Map(),
    phones: new Map(),
  };
  const labels: Record<"emails" | "phones", Map<number, string>> = {
    emails: new Map(),
    phones: new Map(),
  };
  mapping.forEach((field, i) => {
    const raw = unescapeCell((cells[i] ?? "").trim());
    if (!field || !raw) return;
    const m = /^(emails|phones)\.(\d+)\.(value|label)$/.exec(field);
    if (m) {
      const kind = m[1] as "emails" | "phones";
      if (m[3] === "label") labels[kind].set(Number(m[2]), labelOf(raw));
      else {
        lists[kind].set(
          Number(m[2]),
          splitValues(raw, false).map((value) => ({ label: "", value })),
        );
      }
    } else if (field === "groups") {
      groupNames.push(...splitValues(raw, true).map(groupName).filter(Boolean));
    } else if (field === "email" || field === "phone") {
      const kind = field === "email" ? "emails" : "phones";
      lists[kind].set(
        0,
        splitValues(raw, false).map((value) => ({ label: "", value })),
      );
    } else (c as Record<string, string>)[field] = raw;
  });
  for (const kind of ["emails", "phones"] as const) {
    const out: LabeledValue[] = [];
    for (const n of [...lists[kind].keys()].sort((a, b) => a - b)) {
      for (const v of lists[kind].get(n)!) {
        out.push({ label: labels[kind].get(n) ?? "", value: v.value });
      }
    }
    if (out.length) c[kind] = out;
  }
  if (c.middleName) {
    if (!c.name) {
      c.name = [c.givenName, c.middleName, c.familyName].filter(Boolean).join(
        " ",
      );
    }
    delete c.middleName;
  }
  return { line, contact: c, groupNames: [...new Set(groupNames)] };
}

/**
 * Reads a contacts CSV. Accepts a UTF-8 BOM, `,` `;` tab or `|`
 * delimiters, quoted fields with delimiters and new lines. Each row's
 * `line` is the file line where its record starts.
 */
export function parseContactsCsv(input: string): CsvParse {
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  const firstLine = text.trimStart().split(/\r?\n/, 1)[0] ?? "";
  const delimiter = guessDelimiter(firstLine);
  let headers: string[] | null = null;
  let mapping: string[] = [];
  const rows: ImportRow[] = [];
  const errors: RowError[] = [];
  let pos = 0;
  let line = 1;
  let start = 0;
  Papa.parse(text, {
    delimiter,
    step: (r) => {
      for (; pos < start; pos++) if (text.charCodeAt(pos) === 10) line++;
      const rowLine = line;
      start = r.meta.cursor;
      const cells = r.data;
      const bad = r.errors.find((e) => e.type !== "Delimiter");
      if (cells.every((c) => !c.trim())) return; // blank line
      if (!headers) {
        headers = cells.map((h) => h.trim());
        mapping = headers.map(headerField);
        return;
      }
      if (bad) {
        errors.push({
          line: rowLine,
          message: `Unreadable row: ${bad.message}.`,
        });
        return;
      }
      const extra = cells.slice(headers.length).filter((c) => c.trim());
      if (extra.length) {
        errors.push({
          line: rowLine,
          message:
            `The row has ${cells.length} fields; the header has ${headers.length}.`,
        });
        return;
      }
      rows.push(buildRow(cells, mapping, rowLine));
    },
  });
  const hs: string[] = headers ?? [];
  return {
    layout: detectLayout(hs),
    delimiter,
    headers: hs,
    mapping,
    rows,
    errors,
  };
}

/**
 * Joins group names with ` ::: `; a single name containing `;` `,` or `|`
 * gets a trailing ` ::: ` so the importer does not split it.
 */
function joinGroups(names: string[]): string {
  const s = names.join(" ::: ");
  return names.length === 1 && /[;,|]/.test(s) ? `${s} :::` : s;
}

/** Export columns: our generic header plus Google-style numbered values. */
export function contactsToCsv(
  contacts: ExportableContact[],
  groupNames: Map<string, string>,
): string {
  const maxE = Math.max(1, ...contacts.map((c) => c.emails.length));
  const maxP = Math.max(1, ...contacts.map((c) => c.phones.length));
  const head = [
    "name",
    "given name",
    "family name",
    "company",
    "title",
    "notes",
    "groups",
  ];
  for (let i = 1; i <= maxE; i++) {
    head.push(`E-mail ${i} - Label`, `E-mail ${i} - Value`);
  }
  for (let i = 1; i <= maxP; i++) {
    head.push(`Phone ${i} - Label`, `Phone ${i} - Value`);
  }
  const data = contacts.map((c) => {
    const row = [
      c.name,
      c.givenName ?? "",
      c.familyName ?? "",
      c.company ?? "",
      c.title ?? "",
      c.notes ?? "",
      joinGroups(c.groups.map((g) => groupNames.get(g) ?? "").filter(Boolean)),
    ];
    for (let i = 0; i < maxE; i++) {
      row.push(c.emails[i]?.label ?? "", c.emails[i]?.value ?? "");
    }
    for (let i = 0; i < maxP; i++) {
      row.push(c.phones[i]?.label ?? "", c.phones[i]?.value ?? "");
    }
    return row.map(escapeCell);
  });
  return "\uFEFF" + Papa.unparse([head, ...data], { newline: "\r\n" }) + "\r\n";
}
