/**
 * Splits message text into plain-text and link segments so the UI can render
 * text nodes and `<a>` elements without ever building HTML from user input.
 * Only absolute http(s) URLs become links.
 * @module
 */

/** One piece of a message: plain text, or a link with its visible text. */
export type Segment =
  | { kind: "text"; text: string }
  | { kind: "link"; text: string; href: string };

/** Candidate URLs: an http(s) scheme followed by non-space characters. */
const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that usually ends a sentence rather than a URL. */
const TRAILING = ".,;:!?'\"]}*_~";

function count(s: string, ch: string): number {
  return s.split(ch).length - 1;
}

/** Drops sentence punctuation from the end; keeps a balanced `)`. */
function trimTrailing(candidate: string): string {
  let url = candidate;
  while (url.length > 0) {
    const c = url[url.length - 1];
    if (TRAILING.includes(c)) url = url.slice(0, -1);
    else if (c === ")" && count(url, "(") < count(url, ")")) {
      url = url.slice(0, -1);
    } else break;
  }
  return url;
}

/** Returns the normalised href when `raw` is a valid http(s) URL, else null. */
export function safeHref(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (!url.hostname) return null;
  return url.href;
}

/**
 * Splits `text` into segments. Concatenating every segment's `text` gives
 * back `text` exactly; link segments carry a validated http(s) `href`.
 */
export function linkify(text: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  const push = (t: string) => {
    if (!t) return;
    const prev = out[out.length - 1];
    if (prev && prev.kind === "text") prev.text += t;
    else out.push({ kind: "text", text: t });
  };
  for (const m of text.matchAll(URL_RE)) {
    const start = m.index!;
    const candidate = trimTrailing(m[0]);
    const href = safeHref(candidate);
    if (!href || candidate.length <= m[0].indexOf("//") + 2) continue;
    push(text.slice(last, start));
    out.push({ kind: "link", text: candidate, href });
    last = start + candidate.length;
  }
  push(text.slice(last));
  return out;
}
