// The colours the charts draw with. A canvas cannot use CSS variables, so these repeat base.css
// (tests/insight.test.js keeps them equal). Left is teal and right amber, as on every screen:
// they differ in hue for every common colour-vision type and stand at 9.6:1 and 10.7:1 against
// the page; the right side's line is also dashed, so the sides never rely on colour alone.
export const SIDE_COLOURS = { left: "#2dd4bf", right: "#fbbf24" }; // --left, --right
export const PAGE = "#0f172a"; // --bg: hollow markers are filled with it
export const TEXT = "#cbd5e1"; // --muted: axes and the 90 % line
export const LSI_LINE = "#f8fafc"; // --text
export const LOW = "#fca5a5"; // --danger: sessions below 90 %
export const GRID = "#334155";
export const BAND = "rgba(248, 250, 252, 0.08)"; // LSI of 90 % and more

/** The colours of the theme shown now, read from base.css's variables (the dark ones when a
 * stylesheet is missing). */
export function colours() {
  const style = globalThis.getComputedStyle?.(document.documentElement);
  const css = (name, fallback) => style?.getPropertyValue(`--${name}`).trim() || fallback;
  return {
    SIDE_COLOURS: { left: css("left", SIDE_COLOURS.left), right: css("right", SIDE_COLOURS.right) },
    PAGE: css("bg", PAGE),
    TEXT: css("muted", TEXT),
    LSI_LINE: css("text", LSI_LINE),
    LOW: css("danger", LOW),
    GRID: css("grid", GRID),
    BAND: css("band", BAND),
  };
}
