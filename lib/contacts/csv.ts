/**
 * CSV import parsing (generic headers, both Google Contacts layouts) and
 * RFC 4180 export. Pure: the import dialog uses it for its preview.
 * @module
 */
import PapaParse from "papaparse";
import type { ContactInput, LabeledValue } from "./model.ts";
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

/**
 * Characters that make a spreadsheet read a cell as a formula: `=` `+` `-`
 * `@`, tab, CR, and their full-width (U+FF1D ＝, U+FF0B ＋, U+FF0D －,
 * U+FF20 ＠) and small (U+FE66 ﹦, U+FE62 ﹢, U+FE63 ﹣, U+FE6B ﹫) forms,
 * which some spreadsheets fold to the ASCII ones.
 */
const FORMULA =
  /^'*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20\uFE66\uFE62\uFE63\uFE6B]/;
/** Digits, spaces and `+ - ( ) .` only (a phone number): never a formula. */
const NUMBER_LIKE = /^[0-9 +\-().]*[0-9][0-9 +\-().]*$/;

/**
 * Undoes our export's formula escaping: `'=1+1` → `=1+1` (also a phone an
 * older export escaped: `'+1 415` → `+1 415`).
 */
export function unescapeCell(v: string): string {
  return v.startsWith("'") && FORMULA.test(v.slice(1)) ? v.slice(1) : v;
}

/**
 * Escapes a cell a spreadsheet would run as a formula with a leading `'`;
 * a phone-like value (`+1 415-555-1035`) is left as it is.
 */
export function escapeCell(v: string): string {
  return FORMULA.test(v) && !NUMBER_LIKE.test(v) ? `'${v}` : v;
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

/** A label as written, without Google's primary marker (`* Home` → `Home`). */
function labelOf(v: string): string {
  return v.replace(/^\* ?/, "").trim();
}

/** Numbered value and label columns of one kind (emails or phones). */
type Slots = Map<number, { values: string[]; labels: string[] }>;

function slot(slots: Slots, n: number) {
  let s = slots.get(n);
  if (!s) slots.set(n, s = { values: [], labels: [] });
  return s;
}

/**
 * Pairs values with labels (Google writes `* Home ::: Other` beside
 * `a@x ::: b@y`); the value whose label has a `*` comes first.
 */
function collect(slots: Slots): LabeledValue[] {
  const out: Array<LabeledValue & { primary: boolean }> = [];
  for (const n of [...slots.keys()].sort((a, b) => a - b)) {
    const { values, labels } = slots.get(n)!;
    values.forEach((value, j) => {
      const raw = labels[j] ?? (labels.length === 1 ? labels[0] : "");
      out.push({ label: labelOf(raw), value, primary: /^\*/.test(raw) });
    });
  }
  const first = out.findIndex((x) => x.primary);
  if (first > 0) out.unshift(...out.splice(first, 1));
  return out.map(({ label, value }) => ({ label, value }));
}

function buildRow(cells: string[], mapping: string[], line: number): ImportRow {
  const c: ContactInput & { middleName?: string } = {};
  const groupNames: string[] = [];
  const lists: Record<"emails" | "phones", Slots> = {
    emails: new Map(),
    phones: new Map(),
  };
  mapping.forEach((field, i) => {
    const raw = unescapeCell((cells[i] ?? "").trim());
    if (!field || !raw) return;
    const m = /^(emails|phones)\.(\d+)\.(value|label)$/.exec(field);
    if (m) {
      const s = slot(lists[m[1] as "emails" | "phones"], Number(m[2]));
      if (m[3] === "label") s.labels = splitValues(raw, false);
      else s.values = splitValues(raw, false);
    } else if (field === "groups") {
      groupNames.push(...splitValues(raw, true).map(groupName).filter(Boolean));
    } else if (field === "email" || field === "phone") {
      slot(lists[field === "email" ? "emails" : "phones"], 0).values =
        splitValues(raw, false);
    } else (c as Record<string, string>)[field] = raw;
  });
  for (const kind of ["emails", "phones"] as const) {
    const out = collect(lists[kind]);
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
 * `line` is the file line where its record starts. With `onRow`, each row
 * goes to it as it is read instead of into `rows` (a big import then never
 * holds every row).
 */
export function parseContactsCsv(
  input: string,
  onRow?: (row: ImportRow) => void,
): CsvParse {
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
      // Trailing empty header cells ("name,email,") need no field.
      const needed = headers.findLastIndex((h) => h) + 1;
      if (extra.length || cells.length < needed) {
        errors.push({
          line: rowLine,
          message:
            `The row has ${cells.length} fields; the header has ${headers.length}.`,
        });
        return;
      }
      const row = buildRow(cells, mapping, rowLine);
      if (onRow) onRow(row);
      else rows.push(row);
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

/** Writes rows as RFC 4180 CSV (CRLF, quotes doubled where needed). */
export function unparseCsv(rows: string[][]): string {
  return Papa.unparse(rows, { newline: "\r\n" });
}
