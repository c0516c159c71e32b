/**
 * Partial updates of a contact: a stored contact back into input, and a
 * PATCH applied onto it. Pure (no KV).
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { splitName } from "../names.ts";
import {
  type ContactData,
  type ContactInput,
  type LabeledValue,
  TEXT_FIELDS,
} from "./model.ts";

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
