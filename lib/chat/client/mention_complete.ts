/**
 * Mention autocomplete: which members match what is typed after `@`
 * (username or display name, prefix first, accent-insensitive), and the
 * text after choosing one. Pure.
 * @module
 */
import { mentionAtCaret, ROOM_MENTION } from "../mention_text.ts";
import type { Person } from "./api_essentials.ts";

/** Most suggestions shown. */
export const MAX_SUGGESTIONS = 8;

const fold = (s: string) =>
  s.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();

/** The open suggestion list at `caret`, or null. */
export function suggestions(
  text: string,
  caret: number,
  people: Person[],
  me: string,
): { start: number; query: string; items: Person[] } | null {
  const at = mentionAtCaret(text, caret);
  if (!at) return null;
  const q = fold(at.query);
  const score = (p: Person): number => {
    const u = p.username;
    const words = fold(p.displayName ?? "").split(/\s+/).filter(Boolean);
    if (u.startsWith(q)) return 0;
    if (words.some((w) => w.startsWith(q))) return 1;
    if (u.includes(q)) return 2;
    return -1;
  };
  const items = people
    .filter((p) => p.username !== me)
    .map((p) => [score(p), p] as const)
    .filter(([s]) => s >= 0)
    .sort((a, b) => a[0] - b[0] || a[1].username.localeCompare(b[1].username))
    .map(([, p]) => p)
    .slice(0, MAX_SUGGESTIONS);
  if (ROOM_MENTION.startsWith(q)) {
    items.push({ username: ROOM_MENTION, displayName: "Everyone in the room" });
  }
  return items.length ? { start: at.start, query: at.query, items } : null;
}

/** `text` with the `@query` at `start` replaced by `@username `; the new caret. */
export function applySuggestion(
  text: string,
  start: number,
  caret: number,
  username: string,
): { text: string; caret: number } {
  const insert = `@${username} `;
  const rest = text.slice(caret).replace(/^[A-Za-z0-9_.-]*/, "");
  return {
    text: text.slice(0, start) + insert + rest,
    caret: start + insert.length,
  };
}

/** Names `@mentioned` in `text` that are not among `people` (for "add them?"). */
export function nonMembers(
  names: string[],
  people: Person[],
): string[] {
  const known = new Set(people.map((p) => p.username));
  return names.filter((n) => n !== ROOM_MENTION && !known.has(n));
}
