/**
 * Personal names: splitting a single "Name" into given and family name (as
 * other mail tools do) and deriving a display name. Pure; shared by the
 * address book, import and group mail (issue 9 item 1).
 * @module
 */

/** Given and family name; either may be missing. */
export interface NameParts {
  givenName?: string;
  familyName?: string;
}

/**
 * Splits one name: "Ana Lima" → given "Ana", family "Lima" (the first word
 * is the given name); "Lima, Ana" (a comma) is family-first → given "Ana",
 * family "Lima"; "Cher" → given "Cher". Blank → {}.
 */
export function splitName(full: string | undefined | null): NameParts {
  const s = (full ?? "").replace(/\s+/g, " ").trim();
  if (!s) return {};
  const comma = s.indexOf(",");
  if (comma > 0) {
    const family = s.slice(0, comma).trim();
    const given = s.slice(comma + 1).replace(/^[\s,]+/, "").trim();
    if (given) return { givenName: given, familyName: family };
    return splitName(family);
  }
  const [given, ...rest] = s.split(" ");
  return rest.length
    ? { givenName: given, familyName: rest.join(" ") }
    : { givenName: given };
}

/**
 * Fills given/family from `name` when both are missing (only when the name
 * was typed as a person's name: not an address or a phone number).
 */
export function completeNames(
  p: { name?: string; givenName?: string; familyName?: string },
): NameParts {
  if (p.givenName?.trim() || p.familyName?.trim()) {
    return { givenName: p.givenName?.trim(), familyName: p.familyName?.trim() };
  }
  if (!p.name || /[@0-9]/.test(p.name)) return {};
  return splitName(p.name);
}

/** The display name: `name` when given, else "Given Family". */
export function displayName(
  p: { name?: string; givenName?: string; familyName?: string },
): string {
  return p.name?.trim() ||
    [p.givenName?.trim(), p.familyName?.trim()].filter(Boolean).join(" ");
}
