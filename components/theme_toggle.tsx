/**
 * The light/dark toggle: a server-rendered button wired by `/theme.js`, a
 * standalone module of under 1 KB (no island, no Preact in the browser).
 */
export function ThemeToggle() {
  return (
    <>
      <button type="button" class="theme-toggle" disabled>
        <span class="theme-icon" aria-hidden="true">◐</span>
        <span class="theme-label">Dark mode</span>
      </button>
      <script type="module" src="/theme.js"></script>
    </>
  );
}
