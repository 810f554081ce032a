// A workout as the screen shows it: per exercise, rows of left/right pairs with the sets saved
// in this workout, the previous session's pair beside each row and the values to prefill;
// and the summary once it is finished. Pure: sets and records come in as arguments.
import { e1rm } from "../insight/strength.js";
import { planOf } from "./plans.js";

const SIDES = ["left", "right"];

/** The sets of `exercise` on the last day it was done before `beforeMs` outside this workout,
 * as pairs ([{left, right}], oldest first). `sets` come newest first. */
export function previousPairs(sets, exercise, beforeMs, workoutId, dayKey) {
  const earlier = sets.filter(
    (s) => s.exercise === exercise && s.workout !== workoutId && s.performed_at < beforeMs,
  );
  if (earlier.length === 0) return [];
  const day = dayKey(earlier[0].performed_at);
  const session = earlier.filter((s) => dayKey(s.performed_at) === day).reverse();
  return pairUp(session);
}

/** i-th left beside i-th right, oldest first. */
function pairUp(oldestFirst) {
  const bySide = Object.fromEntries(
    SIDES.map((side) => [side, oldestFirst.filter((s) => s.side === side)]),
  );
  const n = Math.max(bySide.left.length, bySide.right.length);
  return Array.from({ length: n }, (_, i) => ({
    left: bySide.left[i] ?? null,
    right: bySide.right[i] ?? null,
  }));
}

/**
 * Rows of every exercise in `workout`: [{exercise, planned, rows: [{left, right, previous:
 * {left, right}, prefill: {left, right}}]}]. A row's saved sets are this workout's i-th set
 * of each side; its prefill is the previous session's set of that row, else this workout's
 * row before, else the previous session's last row, else the newest set of that side (or any).
 */
export function workoutRows(workout, sets, dayKey) {
  const mine = sets.filter((s) => s.workout === workout.id).reverse();
  return planOf(workout).map(({ exercise, rows: planned }) => {
    const saved = pairUp(mine.filter((s) => s.exercise === exercise));
    const previous = previousPairs(sets, exercise, workout.started_at, workout.id, dayKey);
    const newest = Object.fromEntries(
      SIDES.map((side) => [
        side,
        sets.find((s) => s.exercise === exercise && s.side === side) ?? null,
      ]),
    );
    const anySide = sets.find((s) => s.exercise === exercise && s.side !== "both") ?? null;
    const count = Math.max(planned, saved.length);
    const rows = Array.from({ length: count }, (_, i) => {
      const prev = previous[i] ?? { left: null, right: null };
      const last = previous[previous.length - 1] ?? { left: null, right: null };
      const done = saved[i] ?? { left: null, right: null };
      const before = saved[i - 1] ?? { left: null, right: null };
      const prefill = Object.fromEntries(
        SIDES.map((side) => [
          side,
          prev[side] ?? before[side] ?? last[side] ?? newest[side] ?? anySide,
        ]),
      );
      return { left: done.left, right: done.right, previous: prev, prefill };
    });
    return { exercise, planned, rows };
  });
}

/** Per exercise and side: sets, volume load (Σ grams × reps) and the best e1RM of this
 * workout, and whether that beats every earlier set of that side ("new best"). */
export function workoutSummary(workout, sets, formula = "epley") {
  const mine = sets.filter((s) => s.workout === workout.id);
  const exercises = [...new Set([...planOf(workout).map((p) => p.exercise), ...mine.map((s) => s.exercise)])];
  const best = (list) =>
    list.reduce((top, s) => Math.max(top, e1rm(s.weight_g ?? 0, s.reps ?? 0, formula)?.e1rm_g ?? 0), 0);
  return exercises
    .map((exercise) => {
      const sides = {};
      for (const side of [...SIDES, "both"]) {
        const done = mine.filter((s) => s.exercise === exercise && s.side === side);
        const earlier = sets.filter(
          (s) =>
            s.exercise === exercise &&
            s.side === side &&
            s.workout !== workout.id &&
            s.performed_at < workout.started_at,
        );
        const top = best(done);
        sides[side] = {
          sets: done.length,
          volume: done.reduce((sum, s) => sum + (s.weight_g ?? 0) * (s.reps ?? 0), 0),
          best_e1rm_g: top,
          new_best: done.length > 0 && top > 0 && top > best(earlier),
        };
      }
      return { exercise, ...sides };
    })
    .filter((row) => row.left.sets + row.right.sets + row.both.sets > 0);
}

/** The workout in progress: the newest one not finished. */
export function activeWorkout(workouts) {
  return (
    workouts
      .filter((w) => Number.isInteger(w.started_at) && w.finished_at == null)
      .sort((a, b) => b.started_at - a.started_at)[0] ?? null
  );
}
