/**
 * Whether a message matches a search query, checked on its text (so edits,
 * deletes, phrases and filters are always exact), and which of its words
 * to highlight.
 * @module
 */
import type { Message } from "../chat/protocol.ts";
import type { SearchQuery } from "./query.ts";
import { words } from "./tokens.ts";

/** A highlighted range of `message.text` (UTF-16 offsets, end exclusive). */
export interface Highlight {
  start: number;
  end: number;
}

function startsAny(token: string, terms: string[]): boolean {
  return terms.some((t) => token.startsWith(t));
}

/** Checks a message against the whole query; its highlights, or null. */
export function matchMessage(m: Message, q: SearchQuery): Highlight[] | null {
  if (!m || m.deleted) return null;
  if (q.from && m.author !== q.from) return null;
  const t = Date.parse(m.createdAt);
  if (q.before !== undefined && t >= q.before) return null;
  if (q.after !== undefined && t <= q.after) return null;
  const ws = words(m.text);
  for (const term of q.terms) {
    if (!ws.some((w) => w.token.startsWith(term))) return null;
  }
  const highlights: Highlight[] = [];
  const mark = (start: number, end: number) => {
    const prev = highlights.at(-1);
    if (prev && start <= prev.end) prev.end = Math.max(prev.end, end);
    else highlights.push({ start, end });
  };
  for (const phrase of q.phrases) {
    let found = false;
    for (let i = 0; i + phrase.length <= ws.length; i++) {
      if (phrase.every((p, j) => ws[i + j].token === p)) {
        found = true;
        break;
      }
    }
    if (!found) return null;
  }
  for (const w of ws) if (startsAny(w.token, q.terms)) mark(w.start, w.end);
  return highlights;
}
