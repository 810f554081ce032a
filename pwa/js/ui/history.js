// History: every day's sets, left and right side by side; tap a set to edit or delete it
// (deleting offers Undo).
import { useMemo, useState } from "preact/hooks";
import { html } from "./html.js";
import { SetFields, SideToggle, formValues, readForm } from "./fields.js";
import { Pairs } from "./sets.js";
import { WhenField, performedAt, whenOf } from "./when.js";
import { deleteSet, editSet, exerciseName, getState, replica } from "../store.js";
import { groupByDay } from "../records.js";
import { dayKey, dayLabel, incrementOf } from "../units.js";

const DAYS_PER_PAGE = 14;

/** Every exercise a set may move to: the catalogue and the custom ones, by name. */
function exerciseChoices(current) {
  const { catalogue } = getState();
  const all = [...catalogue, ...replica.customExercises()];
  if (!all.some((e) => e.id === current)) all.push({ id: current, name: exerciseName(current) });
  return all.sort((a, b) => a.name.localeCompare(b.name));
}

function SetEditor({ set, units, onClose }) {
  const [side, setSide] = useState(set.side);
  const [exercise, setExercise] = useState(set.exercise);
  const [when, setWhen] = useState(() => whenOf(set.performed_at));
  const [values, setValues] = useState(() => formValues(set, units));
  const [errors, setErrors] = useState({});
  const save = async (event) => {
    event.preventDefault();
    const result = readForm(values, units);
    if (result.errors) return setErrors(result.errors);
    const at = performedAt(when);
    if (at.error) return setErrors({ when: at.error });
    // An unchanged minute keeps the stored instant's seconds.
    const moved = dayKey(at.value) !== whenOf(set.performed_at).date ||
      whenOf(at.value).time !== whenOf(set.performed_at).time;
    const performed_at = moved ? at.value : set.performed_at;
    await editSet(set.id, { exercise, side, performed_at, ...result.fields });
    onClose();
  };
  const remove = async () => {
    await deleteSet(set.id);
    onClose();
  };
  return html`<form class="card editor" data-testid="set-editor" onSubmit=${save} novalidate
      aria-label=${`Edit set of ${exerciseName(set.exercise)}`}>
    <div class="field">
      <label for="edit-exercise">Exercise</label>
      <select id="edit-exercise" data-testid="edit-exercise" value=${exercise}
        onChange=${(e) => setExercise(e.currentTarget.value)}>
        ${exerciseChoices(set.exercise).map((e) => html`<option value=${e.id}>${e.name}</option>`)}
      </select>
    </div>
    <${WhenField} prefix="edit" value=${when} onChange=${setWhen} error=${errors.when} />
    <${SideToggle} name="edit-side" value=${side} onChange=${setSide} />
    <${SetFields} prefix="edit" values=${values} errors=${errors} units=${units}
      increment=${incrementOf(getState().meta, units)}
      onInput=${(field, text) => setValues({ ...values, [field]: text })} />
    <div class="row">
      <button type="submit" class="primary" data-testid="edit-save">Save changes</button>
      <button type="button" class="danger" data-testid="edit-delete" onClick=${remove}>
        Delete set
      </button>
      <button type="button" data-testid="edit-cancel" onClick=${onClose}>Cancel</button>
    </div>
  </form>`;
}

export function HistoryScreen({ state }) {
  const { units } = state;
  const [editing, setEditing] = useState(null);
  const [pages, setPages] = useState(1);
  const days = useMemo(() => groupByDay(replica.sets(), dayKey), [state.revision]);
  const editingSet = editing && replica.record(editing);
  const editor = editingSet && {
    id: editing,
    node: html`<${SetEditor} key=${editing} set=${editingSet} units=${units}
      onClose=${() => setEditing(null)} />`,
  };
  const pick = (id) => setEditing(id === editing ? null : id);

  if (days.length === 0) {
    return html`<h1>History</h1>
      <p class="hint" data-testid="history-empty">
        No sets yet. Log one on the <a href="#/log">Log</a> screen.
      </p>`;
  }
  const shown = days.slice(0, pages * DAYS_PER_PAGE);
  return html`<h1>History</h1>
    ${shown.map(
      ({ day, exercises }) => html`<section class="day" data-testid="history-day" data-day=${day}
          aria-labelledby=${`day-${day}`}>
        <h2 id=${`day-${day}`}>${dayLabel(day)}</h2>
        ${exercises.map(
          ({
            exercise,
            sets,
          }) => html`<div class="exercise" data-testid="history-exercise" data-exercise=${exercise}>
            <h3>${exerciseName(exercise)}</h3>
            <${Pairs} sets=${sets} units=${units} onPick=${pick} editor=${editor} />
          </div>`,
        )}
      </section>`,
    )}
    ${
      days.length > shown.length &&
      html`<button type="button" class="secondary big" onClick=${() => setPages(pages + 1)}>
        Show older days
      </button>`
    }`;
}
