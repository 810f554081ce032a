// The JavaScript twin of backend/domain/limbs.py: which side of an exercise's body part is
// involved, from the user's `limb_status` records ({limb: left_arm…right_leg, status, since,
// sessions_per_week}). The involved side's LSI is involved ÷ uninvolved.

export const DEFAULT_SESSIONS_PER_WEEK = 3;
const RANK = { healthy: 0, recovering: 1, injured: 2 };

/** The standing status of each limb: the record with the latest `since` (ties: the worse
 * status, then the earlier record). */
export function current(statuses) {
  const latest = new Map();
  for (const s of statuses) {
    const held = latest.get(s.limb);
    if (
      !held ||
      s.since > held.since ||
      (s.since === held.since && RANK[s.status] > RANK[held.status])
    ) {
      latest.set(s.limb, s);
    }
  }
  return latest;
}

/** {side, kind, status, since, sessions_per_week} of the involved limb for exercises of
 * `kind` (arm | leg), or null when both are healthy. If both sides are marked, the one marked
 * most recently is involved: an LSI needs an uninvolved reference. */
export function involvement(statuses, kind) {
  let chosen = null;
  for (const s of current(statuses).values()) {
    if (s.status === "healthy" || !s.limb.endsWith(`_${kind}`)) continue;
    if (!chosen || s.since > chosen.since || (s.since === chosen.since && s.limb > chosen.limb)) {
      chosen = s;
    }
  }
  if (!chosen) return null;
  return {
    side: chosen.limb.startsWith("left") ? "left" : "right",
    kind,
    status: chosen.status,
    since: chosen.since,
    sessions_per_week: chosen.sessions_per_week ?? DEFAULT_SESSIONS_PER_WEEK,
  };
}
