// What the Charts screen offers: the exercises worth charting, the ranges, an exercise's body
// part (for the involved limb) and the sets its chart is computed from.
import { addDays } from "./strength.js";

export const RANGES = [
  ["4w", "4 weeks", 28],
  ["12w", "12 weeks", 84],
  ["all", "All", null],
];

/** First day shown for a range ending `today` ("YYYY-MM-DD"), or null for all. */
export function rangeStart(range, today) {
  const days = RANGES.find(([name]) => name === range)?.[2];
  return days ? addDays(today, 1 - days) : null;
}

/** Exercise ids with sets: those with per-side sets first, each group most recent first.
 * `sets` come newest first. */
export function chartExercises(sets) {
  const perSide = [];
  const bothOnly = new Set();
  for (const s of sets) {
    if (s.side === "both") bothOnly.add(s.exercise);
    else if (!perSide.includes(s.exercise)) perSide.push(s.exercise);
  }
  return [...perSide, ...[...bothOnly].filter((id) => !perSide.includes(id))];
}

/** arm | leg | other, from the catalogue entry or the custom exercise record; null if unknown. */
export function exerciseKind(id, catalogue, customs) {
  return (catalogue.find((e) => e.id === id) ?? customs.find((e) => e.id === id))?.limb ?? null;
}

/** The sets a chart reads, oldest first (an exact tie keeps the earlier set), leaving out
 * warm-ups and sets whose numbers are still arriving from a sync. */
export const chartSets = (newestFirst, exercise) =>
  newestFirst
    .filter(
      (s) =>
        s.exercise === exercise &&
        s.warmup !== true &&
        Number.isInteger(s.reps) &&
        Number.isInteger(s.weight_g),
    )
    .reverse();
