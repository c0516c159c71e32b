/**
 * Contact validation: checks and normalises client input into contact data,
 * with a message per field. Pure (no KV): islands may import it to check a
 * form before sending it.
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { isId } from "../params.ts";
import { completeNames } from "../names.ts";
import { emailProblem, normalizeEmail } from "./email.ts";
import { isBirthday, isWebsite } from "./field_formats.ts";
import { LIMITS } from "./limits.ts";
import type { ContactData, ContactInput, LabeledValue } from "./model.ts";

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
