// Routines and workouts as local edits: created, changed and deleted offline like sets, and
// uploaded by the same outbox.
import { editRecords, replica, update } from "../store.js";
import { newUuid7 } from "../sync/ids.js";
import { DELETED } from "../sync/merge.js";
import { planFields } from "./plans.js";

/** Only the fields that differ from the stored record. */
function changedFields(id, fields) {
  const current = (id && replica.record(id)) || {};
  return Object.fromEntries(
    Object.entries(fields).filter(([field, value]) => (current[field] ?? null) !== (value ?? null)),
  );
}

/** Create (`id` null) or edit a routine: its name and [{exercise, rows}]. Returns its id. */
export async function saveRoutine(id, name, items) {
  const recordId = id ?? newUuid7();
  await editRecords([["routine", recordId, changedFields(id, { name, ...planFields(items) })]]);
  return recordId;
}

export async function deleteRoutine(id) {
  await editRecords([["routine", id, { [DELETED]: true }]]);
  update({ toast: { text: "Routine deleted" } });
}

/** Start a workout now: empty, from a routine, or from a plan (one side only). */
export async function startWorkout({ name = null, routine = null, items = [], side = null }) {
  const id = newUuid7();
  const fields = { name, routine, side, started_at: Date.now(), ...planFields(items) };
  await editRecords([["workout", id, fields]]);
  return id;
}

/** Add or remove rows and exercises of a workout in progress. */
export const changeWorkout = (id, items) =>
  editRecords([["workout", id, changedFields(id, planFields(items))]]);

export const finishWorkout = (id) =>
  editRecords([["workout", id, { finished_at: Date.now() }]]);

/** Throw away a workout; its saved sets stay in History. */
export async function discardWorkout(id) {
  await editRecords([["workout", id, { [DELETED]: true }]]);
  update({ toast: { text: "Workout discarded; its sets stay in History" } });
}
