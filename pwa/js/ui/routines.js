// Routines (#/routines, from Workout): templates of exercises with their rows of left/right
// pairs, created, edited and deleted offline, then started from the Workout screen.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { html } from "./html.js";
import { ExerciseSearch } from "./exercise-search.js";
import { exerciseName, replica } from "../store.js";
import { deleteRoutine, saveRoutine } from "../training/actions.js";
import { folded } from "../names.js";
import { DEFAULT_ROWS, planOf, withExercise, withRows, withoutExercise } from "../training/plans.js";

function RoutineEditor({ state, routine, onClose }) {
  const [name, setName] = useState(routine?.name ?? "");
  const [items, setItems] = useState(() => planOf(routine));
  const [error, setError] = useState(null); // { text, name }: `name` when the name is at fault
  // A new routine opens with its search shown, but typing starts in the name, its first field:
  // the search takes the focus only when a tap on "Add an exercise" opens it.
  const [adding, setAdding] = useState(items.length === 0 ? "shown" : false);
  const nameBox = useRef(null);
  useEffect(() => {
    if (!routine) nameBox.current?.focus();
  }, []);
  const save = async (event) => {
    event.preventDefault();
    const clean = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, " ").normalize("NFC").trim();
    if (!clean || clean.length > 80) {
      return setError({ text: "Give the routine a name of up to 80 characters.", name: true });
    }
    const taken = replica
      .ofType("routine")
      .some((r) => r.id !== routine?.id && r.name && folded(r.name) === folded(clean));
    if (taken) return setError({ text: `You already have a routine called “${clean}”.`, name: true });
    if (items.length === 0) return setError({ text: "Add at least one exercise.", name: false });
    await saveRoutine(routine?.id ?? null, clean, items);
    onClose();
  };
  return html`<form class="card" data-testid="routine-editor" onSubmit=${save} novalidate
      aria-labelledby="routine-editor-title">
    <h2 id="routine-editor-title">${routine ? "Edit routine" : "New routine"}</h2>
    <div class="field">
      <label for="routine-name">Name</label>
      <input id="routine-name" ref=${nameBox} type="text" maxlength="80" data-testid="routine-name"
        value=${name} onInput=${(e) => setName(e.currentTarget.value)}
        aria-invalid=${error?.name ? "true" : "false"}
        aria-describedby=${error?.name ? "routine-error" : undefined} />
    </div>
    <ul class="plain-list" aria-label="Exercises">
      ${items.map(
        (item) => html`<li class="routine-item" data-testid="routine-item" data-exercise=${item.exercise}>
          <strong>${exerciseName(item.exercise)}</strong>
          <div class="stepper">
            <button type="button" class="step" aria-label=${`One row fewer of ${exerciseName(item.exercise)}`}
              onClick=${() => setItems(withRows(items, item.exercise, item.rows - 1, 1))}>−</button>
            <span class="rows-count" aria-live="polite">${item.rows} rows</span>
            <button type="button" class="step" aria-label=${`One row more of ${exerciseName(item.exercise)}`}
              onClick=${() => setItems(withRows(items, item.exercise, item.rows + 1, 1))}>+</button>
          </div>
          <button type="button" class="link" onClick=${() => setItems(withoutExercise(items, item.exercise))}>
            Remove<span class="sr-only"> ${exerciseName(item.exercise)}</span>
          </button>
        </li>`,
      )}
    </ul>
    ${
      adding
        ? html`<${ExerciseSearch} catalogue=${state.catalogue} revision=${state.revision}
            exclude=${items.map((i) => i.exercise)} focus=${adding !== "shown"}
            onPick=${(id) => {
              setItems(withExercise(items, id, DEFAULT_ROWS));
              setAdding(false);
              if (error && !error.name) setError(null);
            }} />`
        : html`<button type="button" class="secondary" data-testid="routine-add-exercise"
            onClick=${() => setAdding(true)}>+ Add an exercise</button>`
    }
    ${error && html`<p class="error" id="routine-error" role="alert">${error.text}</p>`}
    <div class="row">
      <button type="submit" class="primary" data-testid="routine-save">Save routine</button>
      ${
        routine &&
        html`<button type="button" class="danger" data-testid="routine-delete"
          onClick=${() => deleteRoutine(routine.id).then(onClose)}>Delete</button>`
      }
      <button type="button" onClick=${onClose}>Cancel</button>
    </div>
  </form>`;
}

export function RoutinesScreen({ state }) {
  const [editing, setEditing] = useState(null); // "new" or a routine id
  const routines = useMemo(
    () => replica.ofType("routine").filter((r) => r.name).sort((a, b) => a.name.localeCompare(b.name)),
    [state.revision],
  );
  if (editing) {
    const routine = editing === "new" ? null : replica.record(editing);
    return html`<h1>Routines</h1>
      <${RoutineEditor} key=${editing} state=${state} routine=${routine}
        onClose=${() => setEditing(null)} />`;
  }
  return html`<h1>Routines</h1>
    <ul class="plain-list routines">
      ${routines.map(
        (r) => html`<li data-testid="routine" data-routine-id=${r.id}>
          <span><strong>${r.name}</strong>
            <span class="sub">${planOf(r).map((i) => `${exerciseName(i.exercise)} ×${i.rows}`).join(", ")}</span></span>
          <button type="button" data-testid="routine-edit" onClick=${() => setEditing(r.id)}>
            Edit<span class="sr-only"> ${r.name}</span>
          </button>
        </li>`,
      )}
    </ul>
    <button type="button" class="primary big" data-testid="routine-new" onClick=${() => setEditing("new")}>
      + New routine
    </button>
    <a href="#/workout" class="go">Back to Workout</a>`;
}
