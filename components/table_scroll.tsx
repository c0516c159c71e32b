import type { ComponentChildren } from "preact";

/**
 * A wide table's horizontal scroller: keyboard-focusable (a named region, so
 * arrow keys scroll it) with edge shadows hinting that more columns are
 * off-screen (styles.css `.table-scroll`).
 */
export function TableScroll(
  { label, children }: { label: string; children: ComponentChildren },
) {
  return (
    <div class="table-scroll" tabIndex={0} role="region" aria-label={label}>
      {children}
    </div>
  );
}
