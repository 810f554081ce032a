// Today's cross-education session as a workout to start: the planned exercises on the trained
// side, with the prescription's fewest sets as rows.
import { involvement } from "../insight/limbs.js";
import { PRESCRIPTION, plan, usage } from "../insight/plan.js";
import { replica } from "../store.js";
import { dayKey, sideName } from "../units.js";

export function todaysPlan(catalogue) {
  const statuses = replica.ofType("limb_status").filter((r) => r.limb && r.status && r.since);
  const kinds = Object.fromEntries(
    [...catalogue, ...replica.customExercises()].filter((e) => e.limb).map((e) => [e.id, e.limb]),
  );
  const today = dayKey(Date.now());
  for (const kind of ["leg", "arm"]) {
    const found = involvement(statuses, kind);
    if (!found) continue;
    const p = plan(found, usage(replica.sets(), kinds, kind), today);
    if (p.week < 1 || today > p.end) continue;
    return {
      name: `${sideName(p.trained_side)} ${kind} · cross-education`,
      side: p.trained_side,
      items: p.exercises.map((exercise) => ({ exercise, rows: PRESCRIPTION.sets_min })),
    };
  }
  return null;
}
