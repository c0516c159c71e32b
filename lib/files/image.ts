/**
 * Image types shown inline, and their pixel size read from the first bytes
 * (through the maintained `image-size` package).
 * @module
 */
import { imageSize } from "image-size";

/** Types served inline (everything else is an attachment). */
export const INLINE_IMAGE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
};

/** The inline types as MIME types. */
export const INLINE_MIME = new Set(Object.values(INLINE_IMAGE_TYPES));

/**
 * The format and size of a png, jpeg, gif or webp image from its first
 * bytes, or null when the bytes are not one of those (or are cut too short).
 */
export function probeImage(
  head: Uint8Array,
): { type: string; width: number; height: number } | null {
  try {
    const r = imageSize(head);
    const type = r.type ? INLINE_IMAGE_TYPES[r.type] : undefined;
    if (!type || !r.width || !r.height) return null;
    const swap = r.orientation !== undefined && r.orientation >= 5;
    return {
      type,
      width: swap ? r.height : r.width,
      height: swap ? r.width : r.height,
    };
  } catch {
    return null;
  }
}
