import { useEffect, useState } from "preact/hooks";

type Theme = "light" | "dark";

function systemTheme(): Theme {
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

/** A button that switches light/dark mode and remembers the choice. */
export function ThemeToggle() {
  const [theme, setTheme] = useState<Theme | null>(null);
  useEffect(() => {
    const saved = localStorage.getItem("rt-theme");
    setTheme(saved === "dark" || saved === "light" ? saved : systemTheme());
  }, []);
  useEffect(() => {
    if (!theme) return;
    document.documentElement.dataset.theme = theme;
  }, [theme]);
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
        setTheme(next);
      }}
    >
      {theme === null ? "Theme" : dark ? "Dark mode" : "Light mode"}
    </button>
  );
}
