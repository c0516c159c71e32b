/**
 * Finding `@name` mentions in message text. Pure (no KV, no DOM): the
 * server resolves the candidates against the room's members, and the
 * browser uses the same scanner to highlight and to autocomplete.
 * @module
 */

/** The word that mentions everyone in a room. */
export const ROOM_MENTION = "room";
/** Most distinct usernames one message may mention (later ones are plain text). */
export const MAX_MENTIONS = 20;
/** `@room` is allowed in rooms up to this size (admins: any size). */
export const MAX_ROOM_MENTION_MEMBERS = 500;

/** One `@name` in a text: its offsets (UTF-16) and the lower-cased name. */
export interface MentionSpan {
  start: number;
  end: number;
  name: string;
}

// Username characters (DESIGN.md §9): a-z 0-9 _ . -; preceded by start or a
// character that cannot be part of an address or a word.
const MENTION_RE = /(^|[^\p{L}\p{N}_.@-])@([A-Za-z0-9_.-]{1,32})/gu;

/**
 * Every `@name` in `text`, with trailing dots/dashes (sentence punctuation)
 * trimmed, e.g. "thanks @bob." → "bob".
 */
export function findMentions(text: string): MentionSpan[] {
  const out: MentionSpan[] = [];
  for (const m of text.matchAll(MENTION_RE)) {
    const name = m[2].replace(/[.-]+$/, "");
    if (name.length === 0) continue;
    const start = m.index! + m[1].length;
    out.push({ start, end: start + 1 + name.length, name: name.toLowerCase() });
  }
  return out;
}

/** The distinct candidate usernames (without `room`) and whether `@room` occurs. */
export function mentionCandidates(
  text: string,
): { names: string[]; room: boolean } {
  const names = new Set<string>();
  let room = false;
  for (const m of findMentions(text)) {
    if (m.name === ROOM_MENTION) room = true;
    else if (m.name.length >= 3 && names.size < MAX_MENTIONS) names.add(m.name);
  }
  return { names: [...names], room };
}

/**
 * The `@word` being typed at `caret` in `text` (for autocomplete), or null:
 * `{start, query}` where `start` is the offset of the `@`.
 */
export function mentionAtCaret(
  text: string,
  caret: number,
): { start: number; query: string } | null {
  const before = text.slice(0, caret);
  const m = /(^|[^\p{L}\p{N}_.@-])@([A-Za-z0-9_.-]{0,32})$/u.exec(before);
  if (!m) return null;
  return { start: m.index + m[1].length, query: m[2].toLowerCase() };
}
