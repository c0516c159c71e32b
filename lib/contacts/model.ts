/**
 * Contact types, limits and validation. Pure (no KV): islands may import it
 * to check a form before sending it.
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { isId } from "../params.ts";
import { EMAIL_LIMITS, emailProblem, normalizeEmail } from "./email.ts";
import { completeNames, splitName } from "../names.ts";

export {
  domainToAscii,
  emailProblem,
  isValidEmail,
  normalizeEmail,
} from "./email.ts";

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

/** True for `YYYY-MM-DD` (a real date) or `--MM-DD` (no year). */
export function isBirthday(v: string): boolean {
  const m = /^(\d{4}|-)-(\d{2})-(\d{2})$/.exec(v);
  if (!m) return false;
  const year = m[1] === "-" ? 2000 : Number(m[1]); // 2000: Feb 29 allowed
  const d = new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3])));
  return d.getUTCMonth() === Number(m[2]) - 1 &&
    d.getUTCDate() === Number(m[3]) && year >= 1000;
}

/** True for an http(s) address, with or without the scheme. */
export function isWebsite(v: string): boolean {
  if (/\s/.test(v)) return false;
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(v) ? v : `https://${v}`;
  try {
    const u = new URL(withScheme);
    return (u.protocol === "https:" || u.protocol === "http:") &&
      u.hostname.includes(".");
  } catch {
    return false;
  }
}

/** A link target for a stored website (adds `https://` when missing). */
export function websiteHref(v: string): string {
  return /^https?:\/\//i.test(v) ? v : `https://${v}`;
}

/** Every limit on a contact, explicit (and tested). */
export const LIMITS = {
  name: 200,
  company: 200,
  title: 200,
  notes: 10_000,
  nickname: 200,
  address: 1_000,
  website: 500,
  label: 40,
  phone: 64,
  /** At most 8 emails: with the book and record checks that is 10 KV checks. */
  emails: 8,
  phones: 8,
  groups: 50,
  groupName: 80,
  ...EMAIL_LIMITS,
} as const;

// deno-lint-ignore no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const ONE_LINE_CONTROL = /[\r\n]/;

function text(
  value: unknown,
  field: string,
  max: number,
  errors: Record<string, string>,
  multiline = false,
): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") {
    errors[field] = "Must be text.";
    return undefined;
  }
  const v = multiline ? value.trim() : value.trim().replace(/\s+/g, " ");
  if (CONTROL.test(v) || (!multiline && ONE_LINE_CONTROL.test(v))) {
    errors[field] = "Contains control characters.";
  } else if (v.length > max) errors[field] = `At most ${max} characters.`;
  return v || undefined;
}

function labeled(
  list: unknown,
  field: string,
  max: number,
  errors: Record<string, string>,
): LabeledValue[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    errors[field] = "Must be a list.";
    return [];
  }
  const out: LabeledValue[] = [];
  list.forEach((item, i) => {
    const obj = typeof item === "string" ? { value: item } : item;
    if (!obj || typeof obj !== "object") {
      errors[`${field}.${i}`] = "Must be text or {label, value}.";
      return;
    }
    const value = text(obj.value, `${field}.${i}`, 1000, errors) ?? "";
    const label = text(obj.label ?? "", `${field}.${i}`, LIMITS.label, errors);
    if (value) out.push({ label: label ?? "", value });
  });
  if (out.length > max) errors[field] = `At most ${max} entries.`;
  return out;
}

/** Puts `primary` first in `list` (adding it when missing). */
function withPrimary(list: LabeledValue[], primary: string | undefined) {
  if (primary === undefined) return list;
  const rest = list.filter((e) => e.value !== primary);
  const found = list.find((e) => e.value === primary);
  return primary ? [found ?? { label: "", value: primary }, ...rest] : rest;
}

/**
 * Validates and normalises input into contact data. Throws BadRequestError
 * (code `invalid_contact`) with per-field messages in `fields`, keyed
 * `name`, `email`, `emails.1`, `phone`, `phones.0`, `company`, ... .
 */
export function validateContact(input: ContactInput): ContactData {
  const errors: Record<string, string> = {};
  if (!input || typeof input !== "object" || Array.isArray(input)) {
    throw new BadRequestError("A contact must be a JSON object.", "invalid");
  }
  let givenName = text(input.givenName, "givenName", LIMITS.name, errors);
  let familyName = text(input.familyName, "familyName", LIMITS.name, errors);
  let name = text(input.name, "name", LIMITS.name, errors);
  if (!givenName && !familyName && name) {
    // One Name field: split it (first word given; "Lima, Ana" family-first).
    ({ givenName, familyName } = completeNames({ name }));
  }
  const email = text(input.email, "email", 1000, errors);
  const phone = text(input.phone, "phone", 1000, errors);
  const emails = withPrimary(
    labeled(input.emails, "emails", LIMITS.emails, errors),
    email,
  );
  const phones = withPrimary(
    labeled(input.phones, "phones", LIMITS.phones, errors),
    phone,
  );
  const seen = new Set<string>();
  emails.forEach((e, i) => {
    const key = i === 0 && email ? "email" : `emails.${i}`;
    const problem = emailProblem(e.value);
    if (problem) errors[key] = problem;
    else if (seen.has(normalizeEmail(e.value))) {
      errors[key] = "This address is listed twice.";
    } else seen.add(normalizeEmail(e.value));
    e.value = e.value.trim();
  });
  if (emails.length > LIMITS.emails) {
    errors.emails = `At most ${LIMITS.emails} email addresses.`;
  }
  phones.forEach((p, i) => {
    const key = i === 0 && phone ? "phone" : `phones.${i}`;
    if (p.value.length > LIMITS.phone) {
      errors[key] = `At most ${LIMITS.phone} characters.`;
    } else if (!/[0-9]/.test(p.value)) errors[key] = "A phone needs digits.";
  });
  if (phones.length > LIMITS.phones) {
    errors.phones = `At most ${LIMITS.phones} phone numbers.`;
  }
  const company = text(input.company, "company", LIMITS.company, errors);
  const title = text(input.title, "title", LIMITS.title, errors);
  const notes = text(input.notes, "notes", LIMITS.notes, errors, true);
  const nickname = text(input.nickname, "nickname", LIMITS.nickname, errors);
  const birthday = text(input.birthday, "birthday", 20, errors);
  if (birthday && !errors.birthday && !isBirthday(birthday)) {
    errors.birthday = "Use YYYY-MM-DD, or --MM-DD without a year.";
  }
  const address = text(input.address, "address", LIMITS.address, errors, true);
  const website = text(input.website, "website", LIMITS.website, errors);
  if (website && !errors.website && !isWebsite(website)) {
    errors.website = "Not a web address (example.com or https://...).";
  }
  let groups: string[] = [];
  if (input.groups !== undefined && input.groups !== null) {
    if (
      !Array.isArray(input.groups) ||
      input.groups.some((g) => !isId(g))
    ) errors.groups = "Must be a list of group ids.";
    else groups = [...new Set(input.groups)];
    if (groups.length > LIMITS.groups) {
      errors.groups = `At most ${LIMITS.groups} groups.`;
    }
  }
  if (!name) {
    name = [givenName, familyName].filter(Boolean).join(" ") ||
      company || emails[0]?.value || phones[0]?.value;
  }
  if (!name && !Object.keys(errors).length) {
    errors.name = "Give at least a name, an email or a phone.";
  }
  if (Object.keys(errors).length) {
    const first = Object.entries(errors)[0];
    throw new BadRequestError(
      `Check the contact: ${first[0]}: ${first[1]}`,
      "invalid_contact",
      errors,
    );
  }
  const data: ContactData = {
    name: name!,
    email: emails[0]?.value ?? "",
    emails,
    phones,
    groups,
  };
  if (givenName) data.givenName = givenName;
  if (familyName) data.familyName = familyName;
  if (phones[0]) data.phone = phones[0].value;
  if (company) data.company = company;
  if (title) data.title = title;
  if (notes) data.notes = notes;
  if (nickname) data.nickname = nickname;
  if (birthday) data.birthday = birthday;
  if (address) data.address = address;
  if (website) data.website = website;
  return data;
}

/** Turns a stored contact back into input (for merges and PATCH). */
export function toInput(c: ContactData): ContactInput {
  return {
    name: c.name,
    givenName: c.givenName,
    familyName: c.familyName,
    emails: c.emails.map((e) => ({ ...e })),
    phones: c.phones.map((p) => ({ ...p })),
    company: c.company,
    title: c.title,
    notes: c.notes,
    nickname: c.nickname,
    birthday: c.birthday,
    address: c.address,
    website: c.website,
    groups: [...c.groups],
  };
}

/**
 * Applies a partial update. `email`/`phone` replace the primary value and
 * keep the others; `emails`/`phones` replace the whole list; `null` or ""
 * clears a field.
 */
export function applyPatch(
  current: ContactData,
  patch: ContactInput,
): ContactInput {
  if (!patch || typeof patch !== "object" || Array.isArray(patch)) {
    throw new BadRequestError("A contact must be a JSON object.", "invalid");
  }
  const next = toInput(current);
  for (const f of ["name", ...TEXT_FIELDS] as const) {
    if (f in patch) next[f] = patch[f] ?? undefined;
  }
  if ("name" in patch && !patch.name) {
    next.name = undefined; // derive again from the other fields
  }
  // Given/family split automatically from the old name follow a new name.
  if (
    "name" in patch && !("givenName" in patch) && !("familyName" in patch)
  ) {
    const auto = splitName(current.name);
    if (
      (current.givenName ?? "") === (auto.givenName ?? "") &&
      (current.familyName ?? "") === (auto.familyName ?? "")
    ) {
      next.givenName = undefined;
      next.familyName = undefined;
    }
  }
  if ("groups" in patch) next.groups = patch.groups ?? [];
  for (
    const [one, many] of [["email", "emails"], ["phone", "phones"]] as const
  ) {
    if (many in patch) next[many] = patch[many] ?? [];
    else if (one in patch) {
      const list = (next[many] ?? []) as LabeledValue[];
      const v = (patch[one] ?? "").trim();
      next[many] = v
        ? [{ label: list[0]?.label ?? "", value: v }, ...list.slice(1)]
        : list.slice(1);
    }
  }
  return next;
}
