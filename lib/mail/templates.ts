/**
 * Merge tags for campaign subjects and bodies, and HTML sanitising.
 *
 * Tags: `{{first_name}}`, `{{last_name}}`, `{{name}}`, `{{email}}`,
 * `{{unsubscribe_url}}`, each with an optional fallback `{{first_name|there}}`
 * used when the value is empty. An unknown or malformed tag is an error when
 * the template is compiled (draft time), never a blank at send time.
 * @module
 */
import sanitizeHtml from "sanitize-html";
import { BadRequestError } from "../errors.ts";

import { MERGE_TAGS } from "./protocol.ts";
export { MERGE_TAGS };

/** One merge tag name. */
export type MergeTag = typeof MERGE_TAGS[number];

/** Values for one recipient. */
export type MergeValues = Record<MergeTag, string>;

type Segment = string | { tag: MergeTag; fallback: string };

/** A parsed template: literal strings and tags. */
export interface Template {
  segments: Segment[];
  /** Tags used, for checks such as "has an unsubscribe link". */
  tags: Set<MergeTag>;
}

const TAG = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|([^{}]*))?\}\}/y;
const KNOWN = new Set<string>(MERGE_TAGS);

/**
 * Parses `source`; throws 400 `unknown_merge_tag` naming the first unknown
 * or malformed tag and the `field` it was found in.
 */
export function compileTemplate(source: string, field: string): Template {
  const segments: Segment[] = [];
  const tags = new Set<MergeTag>();
  let last = 0;
  let i = source.indexOf("{{");
  while (i >= 0) {
    TAG.lastIndex = i;
    const m = TAG.exec(source);
    if (!m) {
      const snippet = source.slice(i, i + 30).split(/\r?\n/)[0];
      throw new BadRequestError(
        `Malformed merge tag in ${field}: "${snippet}".`,
        "unknown_merge_tag",
        { [field]: `malformed merge tag "${snippet}"` },
      );
    }
    const name = m[1].toLowerCase();
    if (!KNOWN.has(name)) {
      throw new BadRequestError(
        `Unknown merge tag {{${m[1]}}} in ${field}. Known tags: ${
          MERGE_TAGS.map((t) => `{{${t}}}`).join(", ")
        }.`,
        "unknown_merge_tag",
        { [field]: `unknown merge tag {{${m[1]}}}` },
      );
    }
    if (i > last) segments.push(source.slice(last, i));
    segments.push({ tag: name as MergeTag, fallback: (m[2] ?? "").trim() });
    tags.add(name as MergeTag);
    last = TAG.lastIndex;
    i = source.indexOf("{{", last);
  }
  if (last < source.length) segments.push(source.slice(last));
  return { segments, tags };
}

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(s: string): string {
  return s.replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;").replaceAll('"', "&quot;").replaceAll("'", "&#39;");
}

/** Fills a template; in `html` mode values and fallbacks are escaped. */
export function render(
  template: Template,
  values: MergeValues,
  html = false,
): string {
  let out = "";
  for (const seg of template.segments) {
    if (typeof seg === "string") {
      out += seg;
      continue;
    }
    const v = values[seg.tag]?.trim() || seg.fallback;
    out += html ? escapeHtml(v) : v;
  }
  return out;
}

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: [...sanitizeHtml.defaults.allowedTags, "img", "span", "font"],
  allowedAttributes: {
    ...sanitizeHtml.defaults.allowedAttributes,
    "*": ["style", "align", "dir", "lang", "title"],
    img: ["src", "alt", "width", "height"],
    td: ["colspan", "rowspan", "width", "valign"],
    th: ["colspan", "rowspan", "width", "valign"],
    table: ["width", "cellpadding", "cellspacing", "border"],
    font: ["color", "size", "face"],
  },
  allowedSchemes: ["http", "https", "mailto"],
  allowedSchemesByTag: { img: ["http", "https", "cid"] },
  disallowedTagsMode: "discard",
};

/** Sanitises user HTML (scripts, handlers, javascript: URLs removed). */
export function sanitize(html: string): string {
  return sanitizeHtml(html, SANITIZE);
}

/** Example values for previews when no recipient is chosen. */
export const SAMPLE_VALUES: MergeValues = {
  first_name: "Ada",
  last_name: "Lovelace",
  name: "Ada Lovelace",
  email: "ada@example.com",
  unsubscribe_url: "https://example.com/unsubscribe/preview",
};
