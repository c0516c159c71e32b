/**
 * Words of message text for the search index, folded the same way as
 * contacts search (`fold`: NFKD, marks removed, lower case), with their
 * offsets in the original text so results can highlight them.
 * @module
 */
import { fold } from "../contacts/keys.ts";

export { fold };

/** Longest token kept in the index (longer words are cut; prefixes still match). */
export const MAX_TOKEN = 32;
/** Most distinct tokens indexed per message (bounds the commit's mutations). */
export const MAX_INDEXED_TOKENS = 64;

/** A word of a text: folded token and its UTF-16 offsets in the original. */
export interface Word {
  token: string;
  start: number;
  end: number;
}

const WORD_RE = /[\p{L}\p{N}\p{M}]+/gu;

/** The words of `text` in order (folded; a word folding to "" is skipped). */
export function words(text: string): Word[] {
  const out: Word[] = [];
  for (const m of text.matchAll(WORD_RE)) {
    const folded = fold(m[0]);
    // Folding may itself split a word (e.g. "ﬁ" → "fi" stays one; "½" → "1⁄2").
    for (const part of folded.split(/[^\p{L}\p{N}]+/u)) {
      if (part) {
        out.push({
          token: part.slice(0, MAX_TOKEN),
          start: m.index!,
          end: m.index! + m[0].length,
        });
      }
    }
  }
  return out;
}

/**
 * The distinct tokens to index for `text` or its `words` (the first
 * {@link MAX_INDEXED_TOKENS}).
 */
export function indexTokens(text: string | Word[]): string[] {
  const set = new Set<string>();
  for (const w of typeof text === "string" ? words(text) : text) {
    set.add(w.token);
    if (set.size >= MAX_INDEXED_TOKENS) break;
  }
  return [...set];
}

/** Folded tokens of a query word or phrase (no limit). */
export function queryTokens(text: string): string[] {
  return words(text).map((w) => w.token);
}
