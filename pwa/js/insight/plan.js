// The JavaScript twin of backend/domain/cross_education.py: while one limb is injured, a block
// of training for the opposite limb, its adherence, test sets once the limb is recovering, and
// the cited expected effect. Days are "YYYY-MM-DD"; pwa/tests/plan.test.js replays the cases
// Python computed (tests/fixtures/plans.json) and must match exactly.
import { addDays, localDay } from "./strength.js";

export const BLOCK_WEEKS = 6;
export const MIN_WEEKS = 4; // the shortest block the consensus calls effective
export const TARGET_SESSIONS_MIN = 13;
export const TARGET_SESSIONS_MAX = 18;
export const MAX_EXERCISES = 3;
export const TEST_EVERY_DAYS = 14;

// Used when the user has logged nothing of the kind yet: one per main movement of the limb.
export const DEFAULT_EXERCISES = {
  arm: ["single-arm-biceps-curl", "single-arm-triceps-extension", "single-arm-db-press"],
  leg: ["single-leg-press", "single-leg-extension", "single-leg-curl"],
};

/** Per exercise and session, on the trained limb; RPE × 10 and milliseconds as stored. */
export const PRESCRIPTION = {
  sets_min: 3,
  sets_max: 5,
  reps_min: 6,
  reps_max: 10,
  rpe_x10_min: 80,
  rpe_x10_max: 90,
  effort: "high effort",
  eccentric_ms_min: 3000,
  eccentric_ms_max: 4000,
};

const other = (side) => (side === "left" ? "right" : "left");
// Whole days from `a` to `b` (both "YYYY-MM-DD"): calendar arithmetic, no zone involved.
const daysBetween = (a, b) => (Date.parse(b) - Date.parse(a)) / 86_400_000;
const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Per-side sets logged of every exercise of `kind` (0 for those never logged); `kinds` maps
 * catalogue and custom exercise ids to arm, leg or other. Bilateral sets cannot be done with
 * the free limb alone, so they do not count. */
export function usage(sets, kinds, kind) {
  const counts = {};
  for (const [exercise, k] of Object.entries(kinds)) if (k === kind) counts[exercise] = 0;
  for (const s of sets) {
    if (s.side !== "both" && Object.hasOwn(counts, s.exercise)) counts[s.exercise] += 1;
  }
  return counts;
}

/** The block for the limb opposite the involved one; the exercises the user already logs come
 * first, most logged first, because transfer is specific to the movement trained. */
export function plan(involvement, exercisesOfKind, today) {
  const logged = Object.entries(exercisesOfKind)
    .filter(([, n]) => n > 0)
    .sort(([a, n], [b, m]) => m - n || byCodePoint(a, b));
  const chosen = logged.slice(0, MAX_EXERCISES).map(([exercise]) => exercise);
  const defaults = DEFAULT_EXERCISES[involvement.kind];
  const start = involvement.since;
  return {
    involved_side: involvement.side,
    trained_side: other(involvement.side),
    kind: involvement.kind,
    status: involvement.status,
    exercises: chosen.length ? chosen : [...defaults],
    from_history: chosen.length > 0,
    kind_exercises: [...new Set([...Object.keys(exercisesOfKind), ...defaults])].sort(byCodePoint),
    prescription: { ...PRESCRIPTION },
    sessions_per_week: involvement.sessions_per_week,
    start,
    end: addDays(start, BLOCK_WEEKS * 7 - 1),
    weeks: BLOCK_WEEKS,
    min_weeks: MIN_WEEKS,
    target_sessions_min: TARGET_SESSIONS_MIN,
    target_sessions_max: TARGET_SESSIONS_MAX,
    week: today < start ? 0 : Math.floor(daysBetween(start, today) / 7) + 1,
  };
}

/** Sessions (local days in `zone` with a trained-side set of the kind) done against those
 * planned so far: sessions_per_week × elapsed days ÷ 7, rounded down. Adherence is in tenths of
 * a percent, rounded down, capped at 100 %, and null while nothing is due. */
export function adherence(sets, plan, today, zone) {
  const blockDays = plan.weeks * 7;
  const elapsed = Math.min(Math.max(daysBetween(plan.start, today) + 1, 0), blockDays);
  const last = addDays(plan.start, elapsed - 1);
  const counted = new Set(plan.kind_exercises);
  const days = new Set();
  for (const s of sets) {
    if (s.side !== plan.trained_side || !counted.has(s.exercise)) continue;
    const day = localDay(s.performed_at, zone);
    if (plan.start <= day && day <= last) days.add(day);
  }
  const due = (n) => Math.floor((plan.sessions_per_week * n) / 7);
  const weeks = [];
  for (let week = 0; week < Math.floor((elapsed + 6) / 7); week++) {
    const first = addDays(plan.start, week * 7);
    const next = addDays(first, 7);
    weeks.push({
      week: week + 1,
      start: first,
      done: [...days].filter((d) => first <= d && d < next).length,
      planned: due(Math.min(elapsed, week * 7 + 7)) - due(week * 7),
    });
  }
  const planned = due(elapsed);
  return {
    done: days.size,
    planned,
    planned_total: due(blockDays),
    percent_x10: planned === 0 ? null : Math.min(1000, Math.floor((days.size * 1000) / planned)),
    weeks,
  };
}

/** Once the limb is recovering: a test set per planned exercise, due 14 days after the last set
 * of it on that limb, never before the limb was marked recovering. */
export function suggestedTestSets(plan, sets, today, zone) {
  if (plan.status !== "recovering") return [];
  const latest = new Map();
  for (const s of sets) {
    if (s.side !== plan.involved_side || !plan.exercises.includes(s.exercise)) continue;
    const day = localDay(s.performed_at, zone);
    if (day <= today && day > (latest.get(s.exercise) ?? "")) latest.set(s.exercise, day);
  }
  return plan.exercises.map((exercise) => {
    const last = latest.get(exercise) ?? null;
    const next = last && addDays(last, TEST_EVERY_DAYS);
    const due = next && next > plan.start ? next : plan.start;
    return {
      exercise,
      side: plan.involved_side,
      every_days: TEST_EVERY_DAYS,
      last,
      due,
      state: due > today ? "scheduled" : due === today ? "due" : "overdue",
    };
  });
}

export const SOURCES = [
  {
    cite: "Munn 2004",
    reference:
      "Munn J, Herbert RD, Gandevia SC. Contralateral effects of unilateral resistance " +
      "training: a meta-analysis. J Appl Physiol 2004;96:1861–1866.",
    finding: "The untrained limb gained about 8 % of its initial strength.",
  },
  {
    cite: "Manca 2017",
    reference:
      "Manca A, Dragone D, Dvir Z, Deriu F. Cross-education of muscular strength following " +
      "unilateral resistance training: a meta-analysis. Eur J Appl Physiol 2017;117:2335–2354.",
    finding: "About 12 % on average: 16 % for legs, 9 % for arms, 18 % after eccentric training.",
  },
  {
    cite: "Manca 2021",
    reference:
      "Manca A, Hortobágyi T, Carroll TJ, et al. Contralateral effects of unilateral strength " +
      "and skill training: modified Delphi consensus to establish key aspects of " +
      "cross-education. Sports Med 2021;51:11–20.",
    finding: "High intensity, eccentric emphasis, at least 13–18 sessions over 4–6 weeks.",
  },
  {
    cite: "Farthing 2009",
    reference:
      "Farthing JP, Krentz JR, Magnus CRA. Strength training the free limb attenuates strength " +
      "loss during unilateral immobilization. J Appl Physiol 2009;106:830–836.",
    finding: "Training the free arm kept most of the strength a cast arm lost in 3 weeks.",
  },
  {
    cite: "Andrushko 2018",
    reference:
      "Andrushko JW, Lanovaz JL, Björkman KM, Kontulainen SA, Farthing JP. Unilateral strength " +
      "training leads to muscle-specific sparing effects during opposite homologous limb " +
      "immobilization. J Appl Physiol 2018;124:866–876.",
    finding: "The sparing was confined to the muscle group trained.",
  },
];

const KIND_GAIN = { arm: ["arms", 9, "legs", 16], leg: ["legs", 16, "arms", 9] };

/** What the plan may do, with the cited ranges: study averages, never a promise. */
export function explanation(plan) {
  const involved = `${plan.involved_side} ${plan.kind}`;
  const trained = `${plan.trained_side} ${plan.kind}`;
  const [these, gain, others, otherGain] = KIND_GAIN[plan.kind];
  const total = plan.sessions_per_week * plan.weeks;
  const paragraphs = [
    "In studies, training one limb made the untrained opposite limb stronger by about 8 % " +
      "(Munn 2004) to 12 % (Manca 2017) on average; the 2017 analysis found about " +
      `${gain} % for ${these} (${otherGain} % for ${others}) and 18 % with eccentric training. ` +
      `These are averages across study participants, not a promise: your ${involved} may ` +
      "gain more, less or nothing.",
  ];
  if (plan.status === "injured") {
    paragraphs.push(
      "Training the free limb while the other was immobilised for 3–4 weeks kept most of " +
        "the 13–15 % of strength the immobilised limb otherwise lost (Farthing 2009; " +
        "Andrushko 2018).",
    );
  }
  let dose =
    "The experts' consensus (Manca 2021): high effort, slow lowering, at least " +
    `${TARGET_SESSIONS_MIN}–${TARGET_SESSIONS_MAX} sessions over ${MIN_WEEKS}–${BLOCK_WEEKS} ` +
    `weeks. This plan: ${plan.sessions_per_week} a week for ${plan.weeks} weeks, ` +
    `${total} sessions.`;
  if (total < TARGET_SESSIONS_MIN) {
    const enough = Math.ceil(TARGET_SESSIONS_MIN / plan.weeks);
    dose += ` That is fewer than ${TARGET_SESSIONS_MIN}; ${enough} a week would reach it.`;
  }
  paragraphs.push(dose);
  paragraphs.push(
    "The gain is specific to the movement and the way it is trained, so train with your " +
      `${trained} the movements your ${involved} will need back. Ask your clinician what the ` +
      `${involved} itself may do.`,
  );
  if (plan.status === "recovering") {
    paragraphs.push(
      `Every ${TEST_EVERY_DAYS} days, a test set on your ${involved}: one set of 5–10 ` +
        "reps stopping 2–3 reps short of failure, within what your clinician allows. Its " +
        "estimated 1RM shows how it compares with your " +
        `${trained} and with its own best before the injury.`,
    );
  }
  return { paragraphs, sources: SOURCES };
}
