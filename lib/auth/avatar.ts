/**
 * Avatars as coloured initials (no upload): pure helpers shared by server
 * components and islands.
 * @module
 */

/** Up to two initials of a display name, in any script. */
export function initialsOf(name: string): string {
  const words = name.trim().split(/[\s._-]+/u).filter(Boolean);
  const first = (w: string) => [...w][0] ?? "";
  const letters = words.length > 1
    ? first(words[0]) + first(words[words.length - 1])
    : [...(words[0] ?? "?")].slice(0, 2).join("");
  return letters.toLocaleUpperCase() || "?";
}

/** A stable hue (0–359) for a username, so a person keeps their colour. */
export function hueOf(username: string): number {
  let h = 0;
  for (const ch of username) h = (h * 31 + ch.codePointAt(0)!) >>> 0;
  return h % 360;
}
