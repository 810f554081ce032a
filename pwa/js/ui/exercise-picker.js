// Choosing the exercise on Log: a search box that narrows the picker (recent first, then by
// body part) and the form that adds a custom exercise, its name unique ignoring case.
import { useState } from "preact/hooks";
import { html } from "./html.js";
import { folded, takenName } from "../names.js";
import { addExercise, exerciseName } from "../store.js";

const LIMB_GROUPS = [
  ["leg", "Legs"],
  ["arm", "Arms"],
  ["other", "Other"],
];

export function ExercisePicker({ value, catalogue, recent, customs, onChange, onNew }) {
  const [query, setQuery] = useState("");
  const [searching, setSearching] = useState(false);
  const option = (id, name) => html`<option value=${id}>${name}</option>`;
  const hit = (name) => folded(name).includes(folded(query)) || query === "";
  // The chosen exercise stays offered so the picker never shows a value it lacks.
  const fresh = (e) => !recent.includes(e.id) && (hit(e.name) || e.id === value);
  recent = recent.filter((id) => hit(exerciseName(id)) || id === value);
  const narrow = (text) => {
    setQuery(text);
    const first = [...recent.map((id) => ({ id, name: exerciseName(id) })), ...catalogue, ...customs]
      .find((e) => text && folded(e.name).includes(folded(text)));
    if (first && first.id !== value) onChange(first.id);
  };
  return html`<div class="field">
    <div class="label-row">
      <label for="log-exercise">Exercise</label>
      <span class="links">
        <button type="button" class="link" data-testid="search-exercise"
          aria-expanded=${searching ? "true" : "false"} onClick=${() => setSearching(!searching)}>
          Search
        </button>
        <button type="button" class="link" data-testid="new-exercise" onClick=${onNew}>
          + New
        </button>
      </span>
    </div>
    ${
      searching &&
      html`<label for="log-exercise-query" class="sr-only">Search exercises</label>
        <input id="log-exercise-query" type="search" data-testid="exercise-filter"
          autocomplete="off" placeholder="Type part of a name" value=${query}
          onInput=${(e) => narrow(e.currentTarget.value)} />`
    }
    <select id="log-exercise" data-testid="exercise" value=${value}
      onChange=${(e) => onChange(e.currentTarget.value)}>
      ${
        recent.length > 0 &&
        html`<optgroup label="Recent">${recent.map((id) => option(id, exerciseName(id)))}</optgroup>`
      }
      ${LIMB_GROUPS.map(([limb, label]) => {
        const items = catalogue.filter((e) => e.limb === limb && fresh(e));
        return (
          items.length > 0 &&
          html`<optgroup label=${label}>${items.map((e) => option(e.id, e.name))}</optgroup>`
        );
      })}
      ${
        customs.some(fresh) &&
        html`<optgroup label="Your exercises">
          ${customs.filter(fresh).map((e) => option(e.id, e.name))}
        </optgroup>`
      }
    </select>
  </div>`;
}

export function NewExercise({ catalogue, customs, onDone }) {
  const [name, setName] = useState("");
  const [limb, setLimb] = useState("leg");
  const [unilateral, setUnilateral] = useState(true);
  const [error, setError] = useState(null);
  const submit = async (event) => {
    event.preventDefault();
    const clean = name
      .replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
      .normalize("NFC")
      .trim();
    if (!clean || clean.length > 80)
      return setError("Give the exercise a name of up to 80 characters.");
    const taken = takenName(clean, catalogue, customs);
    if (taken) return setError(`“${taken.name}” already exists: pick it from the list.`);
    onDone(await addExercise({ name: clean, limb, unilateral }));
  };
  return html`<form class="card" onSubmit=${submit} aria-labelledby="new-exercise-title">
    <h2 id="new-exercise-title">New exercise</h2>
    <div class="field">
      <label for="new-exercise-name">Exercise name</label>
      <input id="new-exercise-name" data-testid="new-exercise-name" type="text" maxlength="80"
        value=${name} onInput=${(e) => setName(e.currentTarget.value)}
        aria-invalid=${error ? "true" : "false"}
        aria-describedby=${error ? "new-exercise-error" : undefined} />
      ${error && html`<p class="error" id="new-exercise-error">${error}</p>`}
    </div>
    <div class="field">
      <label for="new-exercise-limb">Body part</label>
      <select id="new-exercise-limb" value=${limb} onChange=${(e) => setLimb(e.currentTarget.value)}>
        <option value="leg">Leg</option>
        <option value="arm">Arm</option>
        <option value="other">Other</option>
      </select>
    </div>
    <label class="check">
      <input type="checkbox" checked=${unilateral}
        onChange=${(e) => setUnilateral(e.currentTarget.checked)} />
      <span>Trained one side at a time</span>
    </label>
    <div class="row">
      <button type="submit" class="primary" data-testid="add-exercise">Add exercise</button>
      <button type="button" onClick=${() => onDone(null)}>Cancel</button>
    </div>
  </form>`;
}

