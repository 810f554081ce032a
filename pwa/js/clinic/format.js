// Words and numbers of the clinician views: percentages in tenths, H:Q in thousandths, what
// each access-log entry means, and sorting the patient list.

export const pct = (x10) => (x10 == null ? "–" : `${Math.floor(x10 / 10)}.${Math.abs(x10) % 10} %`);
export const ratio = (x1000) => (x1000 == null ? "–" : (x1000 / 1000).toFixed(2));

/** A signed change in LSI points: "+2.5", "−4.0", or "–" when a window had no session. */
export function change(x10) {
  if (x10 == null) return "–";
  const sign = x10 > 0 ? "+" : x10 < 0 ? "−" : "±";
  const size = Math.abs(x10);
  return `${sign}${Math.floor(size / 10)}.${size % 10}`;
}

const VIEWS = {
  granted: "Access granted",
  scope_changed: "Scope changed",
  revoked: "Access revoked",
  ended: "Access ended: the clinician's account was deleted",
  viewed_list: "Saw you in their patient list",
  viewed_summary: "Viewed your summary",
  viewed_sets: "Viewed your summary and sets",
};
const SCOPE_WORDS = { summary: "summary", summary_sets: "summary and sets" };

export function describeAccess({ kind, detail }) {
  const what = VIEWS[kind] ?? kind;
  return detail && SCOPE_WORDS[detail] ? `${what} (${SCOPE_WORDS[detail]})` : what;
}

export const scopeWords = (scope) => SCOPE_WORDS[scope] ?? scope;

/** The lowest latest LSI of a summary, or null when no exercise has one. */
export const lowestLsi = (summary) => summary.exercises[0]?.latest_x10 ?? null;

/** The worst plan adherence, or null when no plan is running. */
export function adherenceOf(summary) {
  const known = summary.adherence.map((a) => a.percent_x10).filter((p) => p != null);
  return known.length ? Math.min(...known) : null;
}

export const SORTS = {
  attention: "Needs attention first",
  lsi: "Lowest LSI first",
  adherence: "Lowest adherence first",
  name: "Name",
};

const missingLast = (v) => (v == null ? Infinity : v);

export function sortPatients(patients, by) {
  const rows = [...patients];
  const name = (a, b) => a.email.localeCompare(b.email);
  const order = {
    attention: (a, b) => b.summary.attention - a.summary.attention || name(a, b),
    lsi: (a, b) =>
      missingLast(lowestLsi(a.summary)) - missingLast(lowestLsi(b.summary)) || name(a, b),
    adherence: (a, b) =>
      missingLast(adherenceOf(a.summary)) - missingLast(adherenceOf(b.summary)) || name(a, b),
    name,
  }[by];
  return rows.sort(order ?? name);
}
