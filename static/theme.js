// The light/dark toggle in the top bar, as a tiny standalone module (no
// island runtime). The system's preference applies until the user picks.
const KEY = "rt-theme";
const root = document.documentElement;
const saved = localStorage.getItem(KEY);
if (saved === "dark" || saved === "light") root.dataset.theme = saved;
const isDark = () =>
  (root.dataset.theme ||
    (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light")) ===
    "dark";
const buttons = document.querySelectorAll("button.theme-toggle");
const show = () =>
  buttons.forEach((b) => b.setAttribute("aria-pressed", String(isDark())));
buttons.forEach((b) => {
  b.disabled = false;
  b.addEventListener("click", () => {
    const next = isDark() ? "light" : "dark";
    localStorage.setItem(KEY, next);
    root.dataset.theme = next;
    show();
  });
});
show();
// Pages without islands are ready now (tests wait for this attribute).
if (!document.getElementById("__rt_props")) root.dataset.rtHydrated = "true";
