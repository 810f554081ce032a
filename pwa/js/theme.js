// Light or dark: the system's choice unless this device chose one in Settings. Kept in
// localStorage so the first paint of the next start already has it.
const KEY = "sidewise.theme";
export const THEMES = [
  ["system", "System"],
  ["light", "Light"],
  ["dark", "Dark"],
];
const BAR = { light: "#f8fafc", dark: "#0f172a" };
const dark = matchMedia("(prefers-color-scheme: dark)");

export const savedTheme = () => {
  const saved = localStorage.getItem(KEY);
  return THEMES.some(([name]) => name === saved) ? saved : "system";
};

/** Show `choice` (system, light or dark) and remember it. */
export function applyTheme(choice = savedTheme()) {
  if (choice === "system") localStorage.removeItem(KEY);
  else localStorage.setItem(KEY, choice);
  const shown = choice === "system" ? (dark.matches ? "dark" : "light") : choice;
  document.documentElement.dataset.theme = shown;
  document.querySelector('meta[name="theme-color"]')?.setAttribute("content", BAR[shown]);
  return shown;
}

dark.addEventListener("change", () => savedTheme() === "system" && applyTheme("system"));
