/**
 * Validation of ids and query parameters at the route boundary, shared by
 * every area (contacts, groups, campaigns, ...). An id that cannot be one of
 * ours is answered like an unknown id (404) before it reaches KV, where a
 * key over 2 KiB would fail with a 500 ("Key too large").
 * @module
 */
import { BadRequestError, NotFoundError } from "./errors.ts";

/** Longest id accepted (ULIDs are 26; a little room for other id shapes). */
export const MAX_ID_LENGTH = 64;
/** Longest cursor accepted (KV cursors are base64url of a key, < 2 KiB key). */
export const MAX_CURSOR_LENGTH = 4096;

const ID = /^[0-9A-Za-z_-]+$/;

/** True when `raw` has the shape of an id we issue (1–64 of `0-9 A-Z a-z _ -`). */
export function isId(raw: unknown): raw is string {
  return typeof raw === "string" && raw.length > 0 &&
    raw.length <= MAX_ID_LENGTH && ID.test(raw);
}

/**
 * Returns `raw` when it is a well-formed id; otherwise throws
 * NotFoundError("No such <what>."), the same answer as an unknown id.
 */
export function requireId(raw: unknown, what = "object"): string {
  if (!isId(raw)) throw new NotFoundError(`No such ${what}.`);
  return raw;
}

/** Options of {@link parseLimit}. */
export interface LimitOptions {
  /** Value when the parameter is absent or empty. */
  fallback: number;
  /** Largest accepted value (the smallest is 1). */
  max: number;
  /** Field name in the error (default `limit`). */
  field?: string;
}

/**
 * Parses a page size from a query string value: absent or "" gives
 * `fallback`; anything but an integer from 1 to `max` (`-5`, `0.5`, `1e3`,
 * `abc`) is a 400 `invalid_limit`.
 */
export function parseLimit(
  raw: string | number | null | undefined,
  opts: LimitOptions,
): number {
  if (raw === undefined || raw === null || raw === "") return opts.fallback;
  const field = opts.field ?? "limit";
  const n = typeof raw === "number"
    ? raw
    : /^[0-9]{1,6}$/.test(raw)
    ? Number(raw)
    : NaN;
  if (!Number.isInteger(n) || n < 1 || n > opts.max) {
    throw new BadRequestError(
      `${field} must be an integer from 1 to ${opts.max}.`,
      "invalid_limit",
      { [field]: `1 to ${opts.max}` },
    );
  }
  return n;
}

/**
 * Checks an opaque paging cursor's shape (base64/base64url, at most 4,096
 * characters); "" or absent gives "". A malformed one is 400
 * `invalid_cursor`. A well-shaped cursor KV still rejects must be mapped to
 * the same error by the caller ({@link isCursorError}).
 */
export function parseCursor(raw: string | null | undefined): string {
  if (raw === undefined || raw === null || raw === "") return "";
  if (
    raw.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_\-+/=]+$/.test(raw)
  ) {
    throw new BadRequestError("The cursor is not valid.", "invalid_cursor");
  }
  return raw;
}

/** True when a KV list error was caused by a bad cursor. */
export function isCursorError(err: unknown): boolean {
  return /cursor/i.test(String(err));
}

/**
 * Checks a list of ids from a request body: an array of at most `max`
 * well-formed ids (duplicates removed). Throws BadRequestError with
 * `fields[field]` otherwise.
 */
export function parseIdList(
  raw: unknown,
  field: string,
  max: number,
  code = "invalid",
): string[] {
  if (!Array.isArray(raw)) {
    throw new BadRequestError(`${field} must be a list of ids.`, code, {
      [field]: "Must be a list of ids.",
    });
  }
  if (raw.length > max) {
    throw new BadRequestError(`At most ${max} ${field}.`, code, {
      [field]: `At most ${max}.`,
    });
  }
  const bad = raw.findIndex((x) => !isId(x));
  if (bad >= 0) {
    throw new BadRequestError(`${field}: not a valid id.`, code, {
      [field]: `Not a valid id at position ${bad + 1}.`,
    });
  }
  return [...new Set(raw as string[])];
}
