import { useEffect, useState } from "preact/hooks";

type Theme = "light" | "dark";

function systemTheme(): Theme {
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/**
 * A button that switches light/dark mode. Until the user picks one, the
 * system's preference applies (nothing is stored or forced).
 */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme | null>(null);
  useEffect(() => {
    const saved = localStorage.getItem("rt-theme");
    if (saved === "dark" || saved === "light") {
      document.documentElement.dataset.theme = saved;
      setTheme(saved);
    } else setTheme(systemTheme());
  }, []);
  const dark = theme === "dark";
  return (
    <button
      type="button"
      class="theme-toggle"
      aria-pressed={theme ? dark : undefined}
      disabled={theme === null}
      onClick={() => {
        const next: Theme = dark ? "light" : "dark";
        localStorage.setItem("rt-theme", next);
        document.documentElement.dataset.theme = next;
        setTheme(next);
      }}
    >
      {theme === null ? "Theme" : "Dark mode"}
    </button>
  );
}
