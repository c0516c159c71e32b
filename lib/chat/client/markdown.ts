/**
 * The chat's Markdown subset, parsed with `marked`'s lexer into a small,
 * inert tree that components render as Preact elements (never as HTML
 * strings): **bold**, _italic_, ~~strike~~, `code`, fenced code blocks,
 * > quotes, bullet and numbered lists, autolinks and [text](url) links with
 * http, https or mailto targets. Raw HTML, images, headings and tables come
 * out as their source text. Pure: runs on the server and in the browser.
 * @module
 */
import { Lexer, type Token, type Tokens } from "marked";

/** An inline or block element of the tree (strings are text). */
export type MdNode =
  | string
  | { t: "b" | "i" | "s" | "p" | "quote" | "li"; c: MdNode[] }
  | { t: "code"; text: string }
  | { t: "pre"; text: string }
  | { t: "ul"; c: MdNode[] }
  | { t: "ol"; c: MdNode[]; start: number }
  | { t: "br" }
  | { t: "a"; href: string; c: MdNode[] };

/** Nesting deeper than this is shown as source text. */
export const MAX_DEPTH = 12;

const SAFE_PROTOCOLS = new Set(["http:", "https:", "mailto:"]);

/** `href` when it is an absolute http, https or mailto URL; otherwise null. */
export function safeHref(href: string): string | null {
  try {
    const u = new URL(href.trim());
    return SAFE_PROTOCOLS.has(u.protocol) ? u.href : null;
  } catch {
    return null;
  }
}

function inline(tokens: Token[] | undefined, depth: number): MdNode[] {
  const out: MdNode[] = [];
  for (const tok of tokens ?? []) out.push(...inlineOne(tok, depth));
  return out;
}

function inlineOne(tok: Token, depth: number): MdNode[] {
  if (depth > MAX_DEPTH) return [tok.raw];
  switch (tok.type) {
    case "strong":
      return [{ t: "b", c: inline(tok.tokens, depth + 1) }];
    case "em":
      return [{ t: "i", c: inline(tok.tokens, depth + 1) }];
    case "del":
      return [{ t: "s", c: inline(tok.tokens, depth + 1) }];
    case "codespan":
      return [{ t: "code", text: unescape((tok as Tokens.Codespan).text) }];
    case "br":
      return [{ t: "br" }];
    case "link": {
      const l = tok as Tokens.Link;
      const href = safeHref(l.href);
      if (!href) return [l.raw];
      return [{ t: "a", href, c: inline(l.tokens, depth + 1) }];
    }
    case "text": {
      const t = tok as Tokens.Text;
      if (t.tokens?.length) return inline(t.tokens, depth);
      return [unescape(t.text)];
    }
    case "escape":
      return [(tok as Tokens.Escape).text];
    default:
      // html, image and anything else: the source, as text.
      return [tok.raw];
  }
}

function blocks(tokens: Token[], depth: number): MdNode[] {
  const out: MdNode[] = [];
  for (const tok of tokens) {
    if (depth > MAX_DEPTH) {
      out.push({ t: "p", c: [tok.raw] });
      continue;
    }
    switch (tok.type) {
      case "space":
        break;
      case "paragraph":
        out.push({ t: "p", c: inline(tok.tokens, depth) });
        break;
      case "text": {
        const t = tok as Tokens.Text;
        out.push({
          t: "p",
          c: t.tokens ? inline(t.tokens, depth) : [unescape(t.text)],
        });
        break;
      }
      case "code":
        out.push({ t: "pre", text: (tok as Tokens.Code).text });
        break;
      case "blockquote":
        out.push({
          t: "quote",
          c: blocks((tok as Tokens.Blockquote).tokens, depth + 1),
        });
        break;
      case "list": {
        const l = tok as Tokens.List;
        const items: MdNode[] = l.items.map((it) => ({
          t: "li" as const,
          c: blocks(it.tokens, depth + 1),
        }));
        out.push(
          l.ordered
            ? { t: "ol", c: items, start: Number(l.start) || 1 }
            : { t: "ul", c: items },
        );
        break;
      }
      case "html":
        // Raw HTML is text, but links and emphasis inside it still work.
        out.push({
          t: "p",
          c: inline(
            Lexer.lexInline(tok.raw.replace(/\n+$/, ""), OPTIONS),
            depth,
          ),
        });
        break;
      default:
        // heading, table, hr, def...: the source, as text.
        out.push({ t: "p", c: [tok.raw.replace(/\n+$/, "")] });
    }
  }
  return out;
}

const ENTITIES: Record<string, string> = {
  "&amp;": "&",
  "&lt;": "<",
  "&gt;": ">",
  "&quot;": '"',
  "&#39;": "'",
};

/** Undoes the entity escaping marked applies to text (we render text nodes). */
function unescape(s: string): string {
  return s.replace(/&(?:amp|lt|gt|quot|#39);/g, (m) => ENTITIES[m]);
}

const OPTIONS = { gfm: true, breaks: false };

/** Longest text parsed as Markdown; longer is shown as plain text. */
const MAX_MD_CHARS = 20_000;

/**
 * Parses message text into the inert tree. Never throws: text the parser
 * cannot handle (or absurd nesting) comes back as one plain paragraph.
 */
export function parseMarkdown(text: string): MdNode[] {
  if (text.length > MAX_MD_CHARS) return [{ t: "p", c: [text] }];
  // Deep quote or list nesting costs the parser dearly: flatten it first.
  const flat = text.replace(/^((?:\s*>){12})[\s>]*/gm, "$1 ");
  try {
    const tokens = new Lexer(OPTIONS).lex(flat);
    return blocks(tokens, 0);
  } catch {
    return [{ t: "p", c: [text] }];
  }
}

/** The text of a tree without formatting (for quotes and announcements). */
export function plainText(nodes: MdNode[]): string {
  let s = "";
  for (const n of nodes) {
    if (typeof n === "string") s += n;
    else if ("c" in n) s += plainText(n.c) + (n.t === "p" ? " " : "");
    else if ("text" in n) s += n.text;
    else s += " ";
  }
  return s.replace(/\s+/g, " ").trim();
}
