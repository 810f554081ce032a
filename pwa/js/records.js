// The in-memory mirror of the on-device field state, and the views the screens need: sets by
// time, custom exercises, the last set of an exercise on a side.
import { mergeInto, recordExists } from "./sync/merge.js";

// Above this many changed records, sets() is rebuilt rather than patched.
const INCREMENTAL_LIMIT = 64;

/** A set whose fields are still arriving from a sync waits until it is whole enough to show. */
const shown = (s) => s.exercise && s.side && Number.isInteger(s.performed_at);
const newestFirst = (a, b) => b.performed_at - a.performed_at || (a.id < b.id ? 1 : -1);

/** Where `set` goes in `list` (sorted newest first), by binary search. */
function insertionPoint(list, set) {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (newestFirst(list[mid], set) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export class Replica {
  constructor() {
    this.load([]);
  }

  /** Replace everything with rows read from IndexedDB. */
  load(rows) {
    /** @type {Map<string, Map<string, {hlc: string, value: unknown}>>} */
    this.state = new Map();
    this.types = new Map();
    this._sets = null; // sets() as last built
    this._touched = new Set(); // ids changed since
    this.apply(rows);
  }

  /** Merge rows or ops ({record_type, record_id, field, value, hlc}) with the sync rule. */
  apply(rows) {
    for (const { record_type, record_id, field, value, hlc } of rows) {
      this.types.set(record_id, record_type);
      mergeInto(this.state, record_id, field, hlc, value);
      if (this._sets) this._touched.add(record_id);
    }
    // A pull of many records rebuilds the list; a save moves only its own set.
    if (this._touched.size > INCREMENTAL_LIMIT) this._sets = null;
  }

  /** Field values of an existing record, or null. */
  record(id) {
    const fields = this.state.get(id);
    if (!recordExists(fields)) return null;
    const out = { id };
    for (const [field, { value }] of fields) out[field] = value;
    return out;
  }

  ofType(type) {
    const out = [];
    for (const [id, kind] of this.types) {
      if (kind !== type) continue;
      const record = this.record(id);
      if (record) out.push(record);
    }
    return out;
  }

  /** Sets, newest first (a new array whenever a set changed). */
  sets() {
    if (!this._sets) {
      this._sets = this.ofType("set").filter(shown).sort(newestFirst);
    } else if (this._touched.size > 0) {
      const touched = this._touched;
      const list = this._sets.filter((s) => !touched.has(s.id));
      for (const id of touched) {
        const set = this.types.get(id) === "set" ? this.record(id) : null;
        if (set && shown(set)) list.splice(insertionPoint(list, set), 0, set);
      }
      this._sets = list;
    }
    this._touched = new Set();
    return this._sets;
  }

  customExercises() {
    return this.ofType("exercise")
      .filter((e) => e.name)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /** Exercise ids by most recent use. */
  recentExercises(limit = 5) {
    const seen = [];
    for (const set of this.sets()) {
      if (!seen.includes(set.exercise)) seen.push(set.exercise);
      if (seen.length === limit) break;
    }
    return seen;
  }

  /** The newest set of `exercise` on `side` (any side when omitted). */
  lastSet(exercise, side) {
    return (
      this.sets().find((s) => s.exercise === exercise && (side === undefined || s.side === side)) ??
      null
    );
  }
}

/** Sets (newest first) grouped by local day, newest day first; within a day, by exercise in
 * the order each was first done, each exercise's sets oldest first. */
export function groupByDay(sets, dayKey) {
  const days = new Map();
  for (const set of sets) {
    const key = dayKey(set.performed_at);
    if (!days.has(key)) days.set(key, []);
    days.get(key).push(set);
  }
  return [...days].map(([day, newestFirst]) => {
    const exercises = new Map();
    for (const set of newestFirst.slice().reverse()) {
      if (!exercises.has(set.exercise)) exercises.set(set.exercise, []);
      exercises.get(set.exercise).push(set);
    }
    return { day, exercises: [...exercises].map(([exercise, list]) => ({ exercise, sets: list })) };
  });
}

/** Left and right sets paired in the order done (row i = i-th left beside i-th right);
 * sets for both sides are listed apart. */
export function pairSides(sets) {
  const left = sets.filter((s) => s.side === "left");
  const right = sets.filter((s) => s.side === "right");
  const rows = [];
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    rows.push({ left: left[i] ?? null, right: right[i] ?? null });
  }
  return { rows, both: sets.filter((s) => s.side === "both") };
}
