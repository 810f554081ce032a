// Sidewise stores integers in fixed units (grams, RPE × 10, milliseconds); people type kg or lb,
// RPE and seconds. These helpers convert both ways and refuse what a field cannot hold.

const GRAMS_PER = { kg: 1000, lb: 453.59237 };
const MAX_WEIGHT_G = 1_000_000;
const MAX_NOTE = 1000;
// Control characters (Unicode Cc) are refused by the sync contract; notes are one line.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** Text typed into a number box ("20", "20,5", " 7.5 ") as a number, or null when empty. */
function parseNumber(text) {
  const trimmed = String(text ?? "")
    .trim()
    .replace(",", ".");
  if (trimmed === "") return null;
  return /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : NaN;
}

/**
 * Check a value typed into one set field; returns {value} in stored units or {error}.
 * @param {"reps"|"weight"|"rpe"|"eccentric"} field @param {string} text @param {"kg"|"lb"} unit
 */
export function parseField(field, text, unit) {
  const n = parseNumber(text);
  if (field === "reps") {
    if (n === null) return { error: "Enter the number of reps." };
    if (!Number.isInteger(n) || n < 1 || n > 1000)
      return { error: "Reps must be a whole number from 1 to 1000." };
    return { value: n };
  }
  if (field === "weight") {
    if (n === null) return { value: 0 }; // bodyweight
    const grams = Math.round(n * GRAMS_PER[unit]);
    if (Number.isNaN(n) || grams > MAX_WEIGHT_G) {
      return { error: `Weight must be a number up to ${formatWeight(MAX_WEIGHT_G, unit)}.` };
    }
    return { value: grams };
  }
  if (field === "rpe") {
    if (n === null) return { value: null };
    if (Number.isNaN(n) || n < 1 || n > 10) return { error: "RPE goes from 1 to 10." };
    return { value: Math.round(n * 10) };
  }
  if (n === null) return { value: null };
  if (Number.isNaN(n) || n > 60) return { error: "Eccentric time is 0 to 60 seconds." };
  return { value: Math.round(n * 1000) };
}

/** Stored grams as a number for a weight box: kg to 0.01, lb to 0.1, no trailing zeros. */
export function weightInput(grams, unit) {
  const places = unit === "kg" ? 100 : 10;
  return String(Math.round((grams / GRAMS_PER[unit]) * places) / places);
}

// What a bar can be loaded to: the smallest plate pair per unit, settable in Settings.
export const INCREMENTS = { kg: [0.5, 1, 1.25, 2.5, 5], lb: [1, 2.5, 5, 10] };
export const DEFAULT_INCREMENT = { kg: 2.5, lb: 5 };

/** The increment in use for `unit` from the device's settings. */
export const incrementOf = (meta, unit) =>
  INCREMENTS[unit].includes(meta?.[`increment_${unit}`])
    ? meta[`increment_${unit}`]
    : DEFAULT_INCREMENT[unit];

/** Stored grams as weight-box text rounded to the nearest loadable step (80 kg in lb with a
 * 5 lb step: "175", not "176.4"). */
export function loadableInput(grams, unit, step) {
  const n = Math.round(grams / GRAMS_PER[unit] / step) * step;
  return String(Math.round(n * 100) / 100);
}

/** The next loadable weight above (`direction` 1) or below (-1) the number `n`. */
export function stepWeight(n, direction, step) {
  const k = n / step;
  const next = direction > 0 ? Math.floor(k + 1e-9) + 1 : Math.ceil(k - 1e-9) - 1;
  return Math.max(0, Math.round(next * step * 100) / 100);
}

/** "62.5 kg", "137.8 lb". */
export const formatWeight = (grams, unit) => `${weightInput(grams, unit)} ${unit}`;
/** An estimated 1RM to one decimal: "86.7 kg". */
export const formatE1rm = (grams, unit) =>
  `${(Math.round((grams / GRAMS_PER[unit]) * 10) / 10).toFixed(1)} ${unit}`;
/** Grams as a number in the display unit, unrounded (chart coordinates). */
export const inUnit = (grams, unit) => grams / GRAMS_PER[unit];
/** Volume load (Σ grams × reps) in whole display units: "1,440 kg". */
export const formatVolume = (gramReps, unit) =>
  `${Math.round(gramReps / GRAMS_PER[unit]).toLocaleString()} ${unit}`;
export const rpeInput = (x10) => (x10 == null ? "" : String(x10 / 10));
export const eccentricInput = (ms) => (ms == null ? "" : String(ms / 1000));

/** A single-line, NFC note within the server's limit, or null when blank. */
export function cleanNote(text) {
  const note = String(text ?? "")
    .replace(CONTROL, " ")
    .normalize("NFC")
    .trim();
  return note === "" ? null : note.slice(0, MAX_NOTE);
}

/** "8 × 20 kg", "12 reps" for bodyweight. */
export function formatSet(set, unit) {
  return set.weight_g ? `${set.reps} × ${formatWeight(set.weight_g, unit)}` : `${set.reps} reps`;
}

/** "RPE 8 · 3 s eccentric", or "" when neither is logged. */
export function formatDetails(set) {
  const parts = [];
  if (set.rpe_x10 != null) parts.push(`RPE ${set.rpe_x10 / 10}`);
  if (set.eccentric_ms != null) parts.push(`${set.eccentric_ms / 1000} s eccentric`);
  return parts.join(" · ");
}

const SIDE_NAMES = { left: "Left", right: "Right", both: "Both sides" };
export const sideName = (side) => SIDE_NAMES[side] ?? side;
export const otherSide = (side) => (side === "left" ? "right" : side === "right" ? "left" : null);

/** Local calendar day of an instant, "YYYY-MM-DD", for grouping history. */
export function dayKey(ms) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "Today", "Yesterday" or "Mon 17 Nov". */
export function dayLabel(key, nowMs = Date.now()) {
  if (key === dayKey(nowMs)) return "Today";
  if (key === dayKey(nowMs - 86_400_000)) return "Yesterday";
  const [y, m, d] = key.split("-").map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(undefined, {
    weekday: "short",
    day: "numeric",
    month: "short",
  });
}

const SHORT_DATE = new Intl.DateTimeFormat("en-GB", {
  weekday: "short",
  day: "numeric",
  month: "short",
});
/** Dates written YYYY-MM-DD inside a text (the server's alert messages) as the app writes
 * them: "Sat 5 Dec". */
export const friendlyDates = (text) =>
  String(text).replace(/\b(\d{4})-(\d{2})-(\d{2})\b/g, (_, y, m, d) =>
    SHORT_DATE.format(new Date(Number(y), Number(m) - 1, Number(d))).replace(",", ""),
  );

// One formatter for every set shown: building one per call made saving slower as the day grew.
const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
export const timeLabel = (ms) => TIME.format(ms);

const WEEKDAY = new Intl.DateTimeFormat(undefined, { weekday: "short" });
const MONTH = new Intl.DateTimeFormat(undefined, { month: "short" });
const CLOCK = new Intl.DateTimeFormat(undefined, {
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});

/** "Sat 5 Dec 09:14": an instant in the device's zone, as the app writes dates. */
export function dateTimeLabel(ms) {
  const date = new Date(ms);
  return `${WEEKDAY.format(date)} ${date.getDate()} ${MONTH.format(date)} ${CLOCK.format(date)}`;
}

/** "just now", "5 min ago", "3 h ago", else a date and time. */
export function ago(ms, nowMs = Date.now()) {
  const s = Math.max(0, Math.round((nowMs - ms) / 1000));
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86_400) return `${Math.round(s / 3600)} h ago`;
  return new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}
