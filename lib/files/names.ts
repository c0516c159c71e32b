/**
 * Cleaning what a client says about a file: its name (from `X-Filename`)
 * and its MIME type.
 * @module
 */
import { BadRequestError } from "../errors.ts";

/** Longest stored file name, in characters. */
export const MAX_FILENAME_CHARS = 200;

/**
 * A safe file name: URL-decoded, path parts dropped (`a/b\\c.txt` →
 * `c.txt`), control and bidi-override characters removed, trimmed, at most
 * {@link MAX_FILENAME_CHARS} characters (the extension is kept). Refuses a
 * missing, undecodable or empty-after-cleaning name.
 */
export function cleanFilename(raw: string | null): string {
  if (raw === null || raw.trim() === "") {
    throw new BadRequestError(
      "Send the file name in the X-Filename header (URL-encoded).",
      "invalid_filename",
    );
  }
  let name: string;
  try {
    name = decodeURIComponent(raw);
  } catch {
    throw new BadRequestError(
      "X-Filename must be URL-encoded UTF-8.",
      "invalid_filename",
    );
  }
  name = name.split(/[\\/]/).pop() ?? "";
  name = name.replace(
    // deno-lint-ignore no-control-regex
    /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    "",
  )
    .trim().replace(/^\.+/, "");
  if (name === "") {
    throw new BadRequestError("The file name is empty.", "invalid_filename");
  }
  const chars = [...name];
  if (chars.length > MAX_FILENAME_CHARS) {
    const dot = name.lastIndexOf(".");
    const ext = dot > 0 ? [...name.slice(dot)] : [];
    const keep = ext.length <= 16 ? ext : [];
    name = chars.slice(0, MAX_FILENAME_CHARS - keep.length).join("") +
      keep.join("");
  }
  return name;
}

const MIME_RE =
  /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}$/;

/** The MIME type of a `Content-Type` header, or `application/octet-stream`. */
export function cleanType(header: string | null): string {
  const t = (header ?? "").split(";")[0].trim().toLowerCase();
  return MIME_RE.test(t) ? t : "application/octet-stream";
}
