/**
 * Collects search pages for the search dialog. One request may stop at the
 * server's scan budget with few or no results and a cursor (rare phrases,
 * busy workspaces): the dialog goes on by itself for a few requests instead
 * of saying "no match" while older messages remain unsearched.
 * @module
 */

/** A page of the search API. */
export interface Page<T> {
  results: T[];
  cursor: string;
}

/** How many results one "search" or "More results" aims to show. */
export const WANT_RESULTS = 20;
/** Most requests one "search" or "More results" makes. */
export const MAX_REQUESTS = 4;

/**
 * Fetches pages from `cursor` on until `want` new results, the end, or
 * `maxRequests` requests; returns the new results and the cursor to go on.
 */
export async function collectPages<T>(
  fetchPage: (cursor: string) => Promise<Page<T>>,
  cursor = "",
  want = WANT_RESULTS,
  maxRequests = MAX_REQUESTS,
): Promise<Page<T>> {
  const results: T[] = [];
  let next = cursor;
  for (let i = 0; i < maxRequests; i++) {
    const page = await fetchPage(next);
    results.push(...page.results);
    next = page.cursor;
    if (!next || results.length >= want) break;
  }
  return { results, cursor: next };
}

/** The dialog's status line for `count` results so far. */
export function searchStatus(count: number, more: boolean): string {
  if (count) {
    return `${count}${more ? "+" : ""} result${count === 1 ? "" : "s"}.`;
  }
  return more
    ? "No match in the newest messages yet: search older ones with More results."
    : "No messages match.";
}
