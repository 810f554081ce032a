// One exercise's chart series, as backend/domain/charts.chart computes them from
// strength.daily_best and strength.weekly_volume: per-side daily best e1RM, the LSI of days
// on which both sides trained (symmetry.lsi_series), weekly volume per side, and the injured
// limb's pre-injury baseline. Percentages are integers in tenths, decided exactly.
import { addDays, dailyBest, weeklyVolume } from "./strength.js";

export const LSI_MIN_PCT = 90; // return-to-sport threshold
export const LSI_INJURED = "LSI = involved ÷ uninvolved × 100";
export const LSI_UNINJURED = "LSI = weaker ÷ stronger × 100";

/** part ÷ whole × 100 in tenths of a percent, rounded half up (symmetry._pct_x10). */
export const pctX10 = (part, whole) => {
  const n = 2 * part * 1000 + whole;
  return (n - (n % (2 * whole))) / (2 * whole);
};

/** Per-session LSI for the days on which both sides were trained; `low` means below 90 %. */
export function lsiSeries(bests, injured = null) {
  const byDay = new Map();
  for (const b of bests) {
    if (!byDay.has(b.day)) byDay.set(b.day, {});
    byDay.get(b.day)[b.side] = b.e1rm_g;
  }
  const out = [];
  for (const day of [...byDay.keys()].sort()) {
    const { left, right } = byDay.get(day);
    if (left === undefined || right === undefined) continue;
    // The involved limb when injured, else the weaker one (left on a tie).
    const lowSide = injured ?? (right < left ? "right" : "left");
    const [inv, uninv] = lowSide === "left" ? [left, right] : [right, left];
    if (Math.max(left, right) <= 0 || uninv <= 0) continue; // nothing to compare against
    out.push({
      day,
      left_e1rm_g: left,
      right_e1rm_g: right,
      lsi_x10: pctX10(inv, uninv),
      low: inv * 100 < uninv * LSI_MIN_PCT,
    });
  }
  return out;
}

const within = (day, start, end) => (start == null || day >= start) && (end == null || day <= end);

/**
 * The chart of `exercise` from set records ({exercise, side, reps, weight_g, performed_at}),
 * in the order given. Days are "YYYY-MM-DD" in `zone` (an IANA name); `start` and `end` bound
 * the days shown (inclusive). The baseline is the injured side's best before `injuredSince`,
 * whatever the range shown.
 */
export function chart(
  sets,
  exercise,
  { zone, formula = "epley", injured = null, injuredSince = null, start = null, end = null },
) {
  const every = dailyBest(sets, exercise, zone, formula);
  let baseline = null;
  if (injured && injuredSince) {
    for (const b of every) {
      if (b.side !== injured || b.day >= injuredSince) continue;
      // The highest estimate; between equal ones, the latest day.
      if (!baseline || b.e1rm_g >= baseline.e1rm_g) {
        baseline = { side: injured, e1rm_g: b.e1rm_g, day: b.day, injured_since: injuredSince };
      }
    }
  }
  const days = every.filter((b) => within(b.day, start, end));
  // A week is shown when any of its days is.
  const fromWeek = start == null ? null : addDays(start, -6);
  return {
    exercise,
    formula,
    injured,
    days,
    lsi: lsiSeries(days, injured),
    lsi_formula: injured ? LSI_INJURED : LSI_UNINJURED,
    volume: weeklyVolume(sets, exercise, zone).filter((w) => within(w.week_start, fromWeek, end)),
    baseline,
  };
}
