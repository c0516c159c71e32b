/**
 * Parsing a message search query: words (prefix match), `"exact phrase"`,
 * `from:alice` and `in:#room`, plus the `room`/`from`/`before`/`after`/
 * `cursor`/`limit` parameters, with explicit limits (200 characters, 10
 * terms, 50 results a page). Pure.
 * @module
 */
import { BadRequestError } from "../errors.ts";
import { queryTokens } from "./tokens.ts";

/** Longest query, in characters. */
export const MAX_QUERY_CHARS = 200;
/** Most search terms (words, phrase words) in one query. */
export const MAX_QUERY_TERMS = 10;
/** Largest page. */
export const MAX_SEARCH_LIMIT = 50;
/** Default page. */
export const DEFAULT_SEARCH_LIMIT = 20;

/** A parsed search. */
export interface SearchQuery {
  /** Folded words every result must contain (as word prefixes). */
  terms: string[];
  /** Folded phrases (token lists) that must occur as consecutive words. */
  phrases: string[][];
  /** Only messages by this username. */
  from?: string;
  /** Only in rooms with this name (`in:#name`), folded. */
  inRoom?: string;
  /** Only in this room id. */
  room?: string;
  /** Only messages created before / after these instants (ms). */
  before?: number;
  after?: number;
  cursor?: SearchCursor;
  limit: number;
}

/** Where the previous page stopped: createdAt (ms), room id and seq. */
export interface SearchCursor {
  t: number;
  r: string;
  s: number;
}

/** Raw request parameters. */
export interface SearchParams {
  q?: string | null;
  room?: string | null;
  from?: string | null;
  before?: string | null;
  after?: string | null;
  cursor?: string | null;
  limit?: string | null;
}

function bad(message: string, field: string): never {
  throw new BadRequestError(message, "invalid_query", { [field]: message });
}

function parseDate(v: string | null | undefined, name: string) {
  if (v === undefined || v === null || v === "") return undefined;
  const t = /^\d{4}-\d{2}-\d{2}/.test(v) ? Date.parse(v) : NaN;
  if (Number.isNaN(t)) bad(`${name} must be an ISO 8601 date.`, name);
  return t;
}

/** Encodes a cursor as an opaque URL-safe string. */
export function encodeCursor(c: SearchCursor): string {
  return btoa(JSON.stringify([c.t, c.r, c.s])).replace(/\+/g, "-")
    .replace(/\//g, "_").replace(/=+$/, "");
}

/** Decodes a cursor; anything malformed is a 400. */
export function decodeCursor(v: string): SearchCursor {
  try {
    if (v.length > 200 || !/^[A-Za-z0-9_-]+$/.test(v)) throw 0;
    const raw = JSON.parse(atob(v.replace(/-/g, "+").replace(/_/g, "/")));
    if (
      !Array.isArray(raw) || raw.length !== 3 ||
      !Number.isSafeInteger(raw[0]) || typeof raw[1] !== "string" ||
      !/^[A-Za-z0-9_-]{1,64}$/.test(raw[1]) ||
      !Number.isSafeInteger(raw[2]) || raw[2] < 0
    ) throw 0;
    return { t: raw[0], r: raw[1], s: raw[2] };
  } catch {
    bad("The cursor is malformed.", "cursor");
  }
}

/** Parses the parameters of `GET /api/search`. */
export function parseSearch(p: SearchParams): SearchQuery {
  const q = p.q ?? "";
  if ([...q].length > MAX_QUERY_CHARS) {
    bad(`The query is over ${MAX_QUERY_CHARS} characters.`, "q");
  }
  const out: SearchQuery = { terms: [], phrases: [], limit: 0 };
  // Phrases first, then operators and words from what is left.
  const rest = q.replace(/"([^"]*)"?/g, (_, phrase: string) => {
    const tokens = queryTokens(phrase);
    if (tokens.length) out.phrases.push(tokens);
    out.terms.push(...tokens);
    return " ";
  });
  for (const part of rest.split(/\s+/).filter(Boolean)) {
    const op = /^(from|in):(.*)$/i.exec(part);
    if (op && op[1].toLowerCase() === "from") {
      out.from = op[2].replace(/^@/, "").toLowerCase();
    } else if (op) {
      out.inRoom = queryTokens(op[2].replace(/^#/, "")).join(" ");
    } else out.terms.push(...queryTokens(part));
  }
  out.terms = [...new Set(out.terms)];
  if (out.terms.length > MAX_QUERY_TERMS) {
    bad(`A query may have at most ${MAX_QUERY_TERMS} words.`, "q");
  }
  if (p.from) out.from = p.from.trim().replace(/^@/, "").toLowerCase();
  if (p.room) out.room = p.room;
  out.before = parseDate(p.before, "before");
  out.after = parseDate(p.after, "after");
  if (p.cursor) out.cursor = decodeCursor(p.cursor);
  const limit = p.limit ? Number(p.limit) : DEFAULT_SEARCH_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_SEARCH_LIMIT) {
    bad(`limit must be an integer from 1 to ${MAX_SEARCH_LIMIT}.`, "limit");
  }
  out.limit = limit;
  if (
    !out.terms.length && !out.from
  ) bad("Type a word to search for (or from:name).", "q");
  return out;
}
