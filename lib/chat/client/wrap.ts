/**
 * Composer shortcuts: wrap the selection in Markdown markers
 * (Ctrl+B bold, Ctrl+I italic, Ctrl+E code).
 * @module
 */

/** Markers per shortcut key. */
export const WRAP_KEYS: Record<string, string> = { b: "**", i: "_", e: "`" };

/**
 * `text` with `[start, end)` wrapped in `marker` (or the marker pair
 * removed when the selection is already wrapped), and the new selection.
 */
export function wrapSelection(
  text: string,
  start: number,
  end: number,
  marker: string,
): { text: string; start: number; end: number } {
  const n = marker.length;
  const before = text.slice(0, start);
  const sel = text.slice(start, end);
  const after = text.slice(end);
  if (before.endsWith(marker) && after.startsWith(marker)) {
    return {
      text: before.slice(0, -n) + sel + after.slice(n),
      start: start - n,
      end: end - n,
    };
  }
  return {
    text: before + marker + sel + marker + after,
    start: start + n,
    end: end + n,
  };
}
