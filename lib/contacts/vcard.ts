/**
 * vCard 3.0 and 4.0 import (RFC 2426, RFC 6350) and 4.0 export, on
 * `ical.js` (which parses and writes both versions).
 * @module
 */
import ICAL from "ical.js";
import type { ImportRow, RowError } from "./csv.ts";
import type { ContactInput, ExportableContact, LabeledValue } from "./model.ts";

/** The result of reading a vCard file. */
export interface VcardParse {
  rows: ImportRow[];
  errors: RowError[];
}

const SKIP_TYPES = new Set(["internet", "pref", "voice", "x400"]);

/** The TYPE values as written, without technical ones ("Mobile, private"). */
function labelOf(prop: ICAL.Property): string {
  const t = prop.getParameter("type");
  const list = (Array.isArray(t) ? t : t ? [t] : [])
    .flatMap((x) => String(x).split(","))
    .map((x) => x.trim())
    .filter((x) => x && !SKIP_TYPES.has(x.toLowerCase()));
  return list.join(", ");
}

/** BDAY as `YYYY-MM-DD` or `--MM-DD` (3.0 and 4.0 forms, time dropped). */
function birthdayOf(v: string): string {
  const s = v.trim();
  let m = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(s);
  if (m) return `${m[1]}-${m[2]}-${m[3]}`;
  m = /^--(\d{2})-?(\d{2})$/.exec(s);
  return m ? `--${m[1]}-${m[2]}` : s;
}

/** An ADR value (post box; extended; street; city; region; code; country). */
function addressOf(prop: ICAL.Property): string {
  const label = prop.getParameter("label");
  if (typeof label === "string" && label.trim()) return label.trim();
  const v = prop.getFirstValue();
  const parts = (Array.isArray(v) ? v : [v]).map(str);
  const [box, ext, street, city, region, code, country] = parts;
  const cityLine = [code, city, region].filter(Boolean).join(" ");
  return [box, ext, street, cityLine, country].filter(Boolean).join("\n");
}

function str(v: unknown): string {
  if (Array.isArray(v)) return v.map(str).filter(Boolean).join(" ");
  return v === null || v === undefined ? "" : String(v).trim();
}

/** Turns one parsed vCard into contact input and group names. */
function fromCard(card: ICAL.Component): Omit<ImportRow, "line"> {
  const c: ContactInput = {};
  const fn = str(card.getFirstPropertyValue("fn"));
  if (fn) c.name = fn;
  const n = card.getFirstProperty("n")?.getFirstValue();
  if (Array.isArray(n)) {
    if (str(n[0])) c.familyName = str(n[0]);
    if (str(n[1])) c.givenName = str(n[1]);
  } else if (typeof n === "string" && n) {
    const [family, given] = n.split(";");
    if (family?.trim()) c.familyName = family.trim();
    if (given?.trim()) c.givenName = given.trim();
  }
  const values = (name: string): LabeledValue[] =>
    card.getAllProperties(name).map((p) => ({
      label: labelOf(p),
      value: str(p.getFirstValue()).replace(/^(mailto|tel):/i, ""),
    })).filter((x) => x.value);
  const emails = values("email");
  if (emails.length) c.emails = emails;
  const phones = values("tel");
  if (phones.length) c.phones = phones;
  const org = card.getFirstProperty("org")?.getValues();
  const company = str(Array.isArray(org?.[0]) ? org[0][0] : org?.[0]);
  if (company) c.company = company;
  const title = str(card.getFirstPropertyValue("title"));
  if (title) c.title = title;
  const note = card.getAllProperties("note").map((p) => str(p.getFirstValue()))
    .filter(Boolean).join("\n");
  if (note) c.notes = note;
  const nickname = str(card.getFirstPropertyValue("nickname"));
  if (nickname) c.nickname = nickname;
  const bday = card.getFirstProperty("bday");
  if (bday) {
    const raw = bday.toJSON()[3];
    if (str(raw)) c.birthday = birthdayOf(str(raw));
  }
  const adr = card.getFirstProperty("adr");
  if (adr && addressOf(adr)) c.address = addressOf(adr);
  const url = str(card.getFirstPropertyValue("url"));
  if (url) c.website = url;
  const groupNames = card.getAllProperties("categories")
    .flatMap((p) => p.getValues().map(str))
    .filter(Boolean);
  return { contact: c, groupNames: [...new Set(groupNames)] };
}

/**
 * Reads a vCard file (any number of cards, 3.0 or 4.0). Each card's `line`
 * is the line of its BEGIN:VCARD; a card that cannot be read is reported
 * with that line and the rest still import.
 */
export function parseVcards(input: string): VcardParse {
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  const lines = text.split(/\r\n|\n|\r/);
  const rows: ImportRow[] = [];
  const errors: RowError[] = [];
  let start = -1;
  lines.forEach((raw, i) => {
    const l = raw.trim().toUpperCase();
    if (l === "BEGIN:VCARD") {
      if (start >= 0) {
        errors.push({ line: start + 1, message: "The card has no END:VCARD." });
      }
      start = i;
    } else if (l === "END:VCARD" && start >= 0) {
      const cardText = lines.slice(start, i + 1).join("\r\n");
      try {
        const parsed = ICAL.parse(cardText);
        const jcard = Array.isArray(parsed[0]) ? parsed[0] : parsed;
        rows.push({ line: start + 1, ...fromCard(new ICAL.Component(jcard)) });
      } catch (err) {
        errors.push({
          line: start + 1,
          message: `Unreadable card: ${(err as Error).message}`,
        });
      }
      start = -1;
    } else if (start < 0 && l) {
      errors.push({
        line: i + 1,
        message: "Text outside BEGIN:VCARD/END:VCARD.",
      });
    }
  });
  if (start >= 0) {
    errors.push({ line: start + 1, message: "The card has no END:VCARD." });
  }
  // Continuation lines outside a card would each be reported: keep the first.
  return { rows, errors: dedupeLines(errors) };
}

function dedupeLines(errors: RowError[]): RowError[] {
  const out: RowError[] = [];
  for (const e of errors) {
    const prev = out[out.length - 1];
    if (
      prev && prev.message === e.message && e.line - prev.line <= 1 &&
      e.message.startsWith("Text")
    ) {
      continue;
    }
    out.push(e);
  }
  return out;
}

/**
 * A contact as vCard 4.0 text: every line, folded ones too, ends in CRLF
 * (RFC 6350 §3.2).
 */
export function contactToVcard(
  c: ExportableContact & { id: string },
  groupNames: Map<string, string>,
): string {
  const card = new ICAL.Component("vcard");
  card.addPropertyWithValue("version", "4.0");
  card.addPropertyWithValue("uid", `urn:rt-messenger:contact:${c.id}`);
  card.addPropertyWithValue("fn", c.name);
  const n = new ICAL.Property("n");
  n.setValue([c.familyName ?? "", c.givenName ?? "", "", "", ""]);
  card.addProperty(n);
  for (
    const [name, list] of [["email", c.emails], ["tel", c.phones]] as const
  ) {
    list.forEach((e, i) => {
      const p = card.addPropertyWithValue(name, e.value);
      if (e.label) p.setParameter("type", e.label);
      if (i === 0) p.setParameter("pref", "1");
    });
  }
  if (c.company) {
    const org = new ICAL.Property("org");
    org.setValue([c.company]);
    card.addProperty(org);
  }
  if (c.title) card.addPropertyWithValue("title", c.title);
  if (c.nickname) card.addPropertyWithValue("nickname", c.nickname);
  if (c.birthday) {
    // vCard 4.0 basic format: 19900517, or --0517 without a year.
    const year = c.birthday.startsWith("--") ? "--" : "";
    card.addPropertyWithValue("bday", year + c.birthday.replace(/-/g, ""));
  }
  if (c.address) {
    const p = new ICAL.Property("adr");
    p.setParameter("label", c.address);
    p.setValue(["", "", c.address.replace(/\n/g, ", "), "", "", "", ""]);
    card.addProperty(p);
  }
  if (c.website) card.addPropertyWithValue("url", c.website);
  if (c.notes) card.addPropertyWithValue("note", c.notes);
  const cats = c.groups.map((g) => groupNames.get(g)).filter((x): x is string =>
    !!x
  );
  if (cats.length) {
    const p = new ICAL.Property("categories");
    p.setValues(cats);
    card.addProperty(p);
  }
  return card.toString().replace(/\r?\n/g, "\r\n") + "\r\n";
}
