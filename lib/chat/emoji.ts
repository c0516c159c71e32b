/**
 * The fixed set of reaction emoji (no external CDN: they are plain Unicode
 * text) with the names used for accessible labels. Shared by the server
 * (which refuses anything else) and the browser picker.
 * @module
 */

/** Allowed reaction emoji and their spoken names, in picker order. */
export const REACTION_EMOJI: readonly (readonly [string, string])[] = [
  ["👍", "thumbs up"],
  ["👎", "thumbs down"],
  ["❤️", "red heart"],
  ["😂", "face with tears of joy"],
  ["😄", "grinning face"],
  ["🙂", "slightly smiling face"],
  ["😉", "winking face"],
  ["😍", "smiling face with heart-eyes"],
  ["🤔", "thinking face"],
  ["😮", "face with open mouth"],
  ["😢", "crying face"],
  ["😭", "loudly crying face"],
  ["😡", "angry face"],
  ["😅", "grinning face with sweat"],
  ["🙃", "upside-down face"],
  ["😎", "smiling face with sunglasses"],
  ["🥳", "partying face"],
  ["😴", "sleeping face"],
  ["🤯", "exploding head"],
  ["🙈", "see-no-evil monkey"],
  ["🙏", "folded hands"],
  ["👏", "clapping hands"],
  ["🙌", "raising hands"],
  ["👋", "waving hand"],
  ["💪", "flexed biceps"],
  ["👀", "eyes"],
  ["🔥", "fire"],
  ["🎉", "party popper"],
  ["✨", "sparkles"],
  ["⭐", "star"],
  ["💯", "hundred points"],
  ["✅", "check mark button"],
  ["❌", "cross mark"],
  ["⚠️", "warning"],
  ["❓", "question mark"],
  ["💡", "light bulb"],
  ["🚀", "rocket"],
  ["🐛", "bug"],
  ["☕", "hot beverage"],
  ["🍕", "pizza"],
];

const NAMES = new Map<string, string>(REACTION_EMOJI.map(([e, n]) => [e, n]));

/** True when `emoji` is one of {@link REACTION_EMOJI}. */
export function isAllowedEmoji(emoji: unknown): emoji is string {
  return typeof emoji === "string" && NAMES.has(emoji);
}

/** The spoken name of an allowed emoji ("" for others). */
export function emojiName(emoji: string): string {
  return NAMES.get(emoji) ?? "";
}
