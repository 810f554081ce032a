// The JavaScript twin of backend/domain/strength.py: estimated 1RM, per-side daily best and
// weekly volume load, in integer grams, on the user's calendar days. tests/charts.test.js
// replays the cases Python computed (tests/fixtures/charts.json) and must match exactly.

// Rep-max equations overestimate beyond about a dozen reps: such estimates are marked.
export const LOW_CONFIDENCE_ABOVE_REPS = 12;
// Brzycki's denominator (37 − r) reaches zero at 37 reps.
export const BRZYCKI_MAX_REPS = 36;
export const FORMULAS = { epley: "Epley w × (1 + r/30)", brzycki: "Brzycki w × 36/(37 − r)" };

// Operands are non-negative safe integers (a set is at most 1,000,000 g × 1000 reps, so
// 2 × w × (30 + r) is about 2^31), on which `%` is exact: this floor division is exact too,
// like Python's `//`, where a float quotient could round up to the next integer.
const floorDiv = (a, b) => (a - (a % b)) / b;

/** Integer division rounded half up (strength._div_round). */
export const divRound = (numerator, denominator) =>
  floorDiv(2 * numerator + denominator, 2 * denominator);

/** {e1rm_g, low_confidence} of a set, or null when it says nothing about maximal strength. */
export function e1rm(weightG, reps, formula = "epley") {
  if (reps < 1 || weightG < 0) return null;
  let value;
  if (reps === 1) value = weightG;
  else if (formula === "epley") value = divRound(weightG * (30 + reps), 30);
  else if (reps > BRZYCKI_MAX_REPS) return null;
  else value = divRound(weightG * 36, 37 - reps);
  return { e1rm_g: value, low_confidence: reps > LOW_CONFIDENCE_ABOVE_REPS };
}

const dayFormats = new Map();

/** The calendar day ("YYYY-MM-DD") of an instant in an IANA zone. */
export function localDay(ms, zone) {
  let format = dayFormats.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
    });
    dayFormats.set(zone, format);
  }
  const parts = {};
  for (const { type, value } of format.formatToParts(ms)) parts[type] = value;
  return `${parts.year.padStart(4, "0")}-${parts.month}-${parts.day}`;
}

/** A day moved by `days` (calendar arithmetic, no zone involved). */
export function addDays(day, days) {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** The Monday starting the ISO week of `day`. */
export function weekStart(day) {
  const [y, m, d] = day.split("-").map(Number);
  const weekday = (new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(day, -weekday);
}

// Bilateral ("both") sets cannot tell the sides apart, so per-side series leave them out.
const perSide = (sets, exercise) =>
  sets.filter((s) => s.exercise === exercise && s.side !== "both");

// Confident sets beat low-confidence ones; ties on e1RM go to the heavier set, then to more reps
// (bodyweight sets all estimate 0), so the best never depends on the order sets arrive in.
const beats = (a, b) =>
  a.low_confidence !== b.low_confidence
    ? !a.low_confidence
    : a.e1rm_g !== b.e1rm_g
      ? a.e1rm_g > b.e1rm_g
      : a.weight_g !== b.weight_g
        ? a.weight_g > b.weight_g
        : a.reps > b.reps;

/** Best e1RM per (day, side), by day then left before right. */
export function dailyBest(sets, exercise, zone, formula = "epley") {
  const best = new Map();
  for (const s of perSide(sets, exercise)) {
    const est = e1rm(s.weight_g, s.reps, formula);
    if (est === null) continue;
    const side = s.side === "left" ? "left" : "right";
    const candidate = {
      day: localDay(s.performed_at, zone),
      side,
      e1rm_g: est.e1rm_g,
      weight_g: s.weight_g,
      reps: s.reps,
      low_confidence: est.low_confidence,
    };
    const key = `${candidate.day} ${side}`;
    const current = best.get(key);
    if (!current || beats(candidate, current)) best.set(key, candidate);
  }
  return [...best.keys()].sort().map((key) => best.get(key));
}

/** Σ weight × reps per side and ISO week (Monday start), oldest week first, with the number of
 * days trained that week. Each product is at most 10^9, so sums stay exact below 2^53 (nine
 * million heaviest sets in one week). */
export function weeklyVolume(sets, exercise, zone) {
  const weeks = new Map();
  for (const s of perSide(sets, exercise)) {
    const day = localDay(s.performed_at, zone);
    const start = weekStart(day);
    let week = weeks.get(start);
    if (!week) weeks.set(start, (week = { left: 0, right: 0, days: new Set() }));
    week[s.side === "left" ? "left" : "right"] += s.weight_g * s.reps;
    week.days.add(day);
  }
  return [...weeks.keys()].sort().map((start) => {
    const { left, right, days } = weeks.get(start);
    return { week_start: start, left, right, sessions: days.size };
  });
}
