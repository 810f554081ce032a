// Imbalance alerts the server writes (record_type "alert"): which ones a screen shows. The
// server clears an alert (`cleared_at`) once two good sessions follow; the user may only
// acknowledge it, which hides its banner but not the chart's note.

// An alert whose fields are still arriving from a pull waits until it can be read.
const whole = (a) => a.kind && a.exercise && a.side && a.message;
const standing = (a) => whole(a) && a.cleared_at == null;
// One judgement raises its alerts at one instant: among those, strength before volume, then by
// exercise and side, so the banner's one line is the same on every device and every reload.
const KIND_ORDER = { lsi: 0, baseline: 1, volume: 2 };
const kindRank = (a) => KIND_ORDER[a.kind] ?? 3;
const newestFirst = (a, b) =>
  (b.created_at ?? 0) - (a.created_at ?? 0) ||
  kindRank(a) - kindRank(b) ||
  a.exercise.localeCompare(b.exercise) ||
  a.side.localeCompare(b.side);

/** Alerts for the banner: standing and not yet acknowledged, newest first. */
export const bannerAlerts = (alerts) =>
  alerts.filter((a) => standing(a) && a.acknowledged !== true).sort(newestFirst);

/** The standing alerts of one exercise, acknowledged or not, newest first. */
export const exerciseAlerts = (alerts, exercise) =>
  alerts.filter((a) => standing(a) && a.exercise === exercise).sort(newestFirst);
