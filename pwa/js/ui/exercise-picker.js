// Choosing the exercise on Log: a picker (recent first, then by body part), a search that
// lists the matches grouped the same way, and the form that adds a custom exercise, its name
// unique ignoring case.
import { useMemo, useState } from "preact/hooks";
import { html } from "./html.js";
import { ExerciseSearch, LIMB_GROUPS } from "./exercise-search.js";
import { takenName } from "../names.js";
import { addExercise, exerciseName } from "../store.js";

/** The picker's option groups; rebuilt only when the exercises offered change, so a save
 * does not diff the whole catalogue. */
function Options({ catalogue, recent, customs }) {
  const option = (id, name) => html`<option value=${id}>${name}</option>`;
  const fresh = (e) => !recent.includes(e.id);
  return html`${
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
    }`;
}

export function ExercisePicker({ value, catalogue, recent, customs, revision, onChange, onNew }) {
  const [searching, setSearching] = useState(false);
  const offered = JSON.stringify([recent, customs.map((e) => [e.id, e.name])]);
  const options = useMemo(
    () => html`<${Options} catalogue=${catalogue} recent=${recent} customs=${customs} />`,
    [catalogue, offered],
  );
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
      html`<${ExerciseSearch} catalogue=${catalogue} revision=${revision} label="Log"
        Heading="h2"
        onPick=${(id) => {
          setSearching(false);
          onChange(id);
        }} />`
    }
    <select id="log-exercise" data-testid="exercise" value=${value}
      onChange=${(e) => onChange(e.currentTarget.value)}>
      ${options}
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

