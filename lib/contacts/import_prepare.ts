/**
 * The first step of an import: each parsed row is validated (an invalid
 * optional field is dropped with a warning) and kept compactly until its
 * batch is written.
 * @module
 */
import { type AppError, BadRequestError } from "../errors.ts";
import type { ImportRow, RowError } from "./csv.ts";
import { ensureGroups, validateGroupName } from "./groups.ts";
import { firstProblem } from "./import_batch.ts";
import type { Placement } from "./import_order.ts";
import type { Ready } from "./import_types.ts";
import { contactTokens, emailIndexKey, fold, sortKey } from "./keys.ts";
import type { ContactData, ContactInput } from "./model.ts";
import { validateContact } from "./validate.ts";

/** Fields without which a row is not imported (its identity). */
const ESSENTIAL = /^(name|email|emails(\.\d+)?)$/;

/** How a field key reads in a warning: "phones.1" → "phone 2". */
function fieldLabel(key: string): string {
  const m = /^(phone|email)s?(?:\.(\d+))?$/.exec(key);
  if (m) return m[2] && m[2] !== "0" ? `${m[1]} ${Number(m[2]) + 1}` : m[1];
  return key.replace(/[A-Z]/g, (c) => ` ${c.toLowerCase()}`);
}

/**
 * Validates a row; an invalid optional field (a phone, the birthday, the
 * website, a too long note, ...) is dropped with a warning instead of
 * losing the row. Throws for problems with the name or the emails.
 */
function salvage(row: ImportRow, warnings: RowError[]): ContactData {
  const c: ContactInput = row.contact;
  // Group names are checked on their own; stand-in ids count them here.
  const groups = row.groupNames.map((_, i) => `g${i}`);
  for (let tries = 0; tries < 32; tries++) {
    try {
      return validateContact({ ...c, groups });
    } catch (err) {
      const fields = (err as AppError).fields;
      if (!fields || Object.keys(fields).some((k) => ESSENTIAL.test(k))) {
        throw err;
      }
      const dropPhones = new Set<number>();
      for (const [key, message] of Object.entries(fields)) {
        const value = dropField(c, key, dropPhones);
        const shown = value ? ` "${value.slice(0, 60)}"` : "";
        warnings.push({
          line: row.line,
          message: `${fieldLabel(key)}${shown} was not imported: ${message}`,
        });
      }
      if (dropPhones.size && c.phones) {
        c.phones = c.phones.filter((_, i) => !dropPhones.has(i));
      }
    }
  }
  throw new BadRequestError("The row could not be read.");
}

/** Removes one invalid field from `c`; returns its value (for the warning). */
function dropField(c: ContactInput, key: string, phones: Set<number>) {
  const m = /^phones?(?:\.(\d+))?$/.exec(key);
  if (key === "phones") {
    const extra = c.phones?.slice(8) ?? [];
    c.phones = c.phones?.slice(0, 8);
    return extra.length ? `${extra.length} more` : "";
  }
  if (key === "groups") return "";
  if (m) {
    const i = Number(m[1] ?? 0);
    phones.add(i);
    const p = c.phones?.[i];
    return typeof p === "string" ? p : p?.value ?? c.phone ?? "";
  }
  const record = c as Record<string, unknown>;
  const value = String(record[key] ?? "");
  delete record[key];
  return value;
}

/**
 * Collects an import's rows as they are read: validates each (salvaging
 * what can be), keeps it in a compact form ({@link Valid}) and lets the
 * parsed row go, so a big file never exists as row objects all at once.
 * Each becomes a {@link Ready} only when its batch is near ({@link toReady}).
 */
export class RowPrep {
  readonly valid: Valid[] = [];
  readonly placements: Placement[] = [];
  readonly names = new Set<string>();
  readonly errors: RowError[] = [];
  readonly warnings: RowError[] = [];
  /** Rows read (valid or not; unreadable rows are not counted). */
  rows = 0;

  /** Takes one parsed row. */
  add = (row: ImportRow): void => {
    this.rows++;
    try {
      row.groupNames = row.groupNames.filter((n) => {
        try {
          validateGroupName(n);
          return true;
        } catch (err) {
          this.warnings.push({
            line: row.line,
            message: `group "${n.slice(0, 60)}" was not imported: ${
              (err as Error).message
            }`,
          });
          return false;
        }
      }).map(validateGroupName);
      const data = salvage(row, this.warnings);
      row.groupNames.forEach((n) => this.names.add(n));
      this.valid.push({
        line: row.line,
        json: JSON.stringify(data),
        groupNames: row.groupNames,
      });
      this.placements.push(placementOf(data));
    } catch (err) {
      this.errors.push({ line: row.line, message: firstProblem(err) });
    }
  };

  /** Creates the groups the rows name; returns folded name → id. */
  async groups(kv: Deno.Kv, owner: string): Promise<Map<string, string>> {
    return await ensureGroups(kv, owner, [...this.names]);
  }
}

/** Where a validated row goes in a sorted import: its match keys and name. */
function placementOf(d: ContactData): Placement {
  return {
    keys: d.emails.length
      ? d.emails.map((e) => `contact_email\u0000${emailIndexKey(e.value)}`)
      : [],
    sort: sortKey(d),
  };
}

/**
 * A validated row, held compactly until its batch: its data as JSON (a
 * flat string is a quarter of the object graph) and its group names.
 */
export interface Valid {
  line: number;
  /** `ContactData` as validated, with stand-in group ids. */
  json: string;
  groupNames: string[];
}

/** A valid row in its stored form, with its search tokens. */
export function toReady(row: Valid, groupIds: Map<string, string>): Ready {
  const data = JSON.parse(row.json) as ContactData;
  // As validateContact does with the real ids: unique, in order.
  data.groups = [
    ...new Set(row.groupNames.map((n) => groupIds.get(fold(n))!)),
  ];
  return { line: row.line, data, tokens: contactTokens(data) };
}
