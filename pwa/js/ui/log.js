// Log: pick the exercise and side, adjust the prefilled numbers, save with one tap. Works the
// same with or without a connection.
import { useMemo, useRef, useState } from "preact/hooks";
import { html, useRoute } from "./html.js";
import { SetFields, SideToggle, formValues, readForm } from "./fields.js";
import { Pairs } from "./sets.js";
import { addExercise, exerciseName, logSet, replica } from "../store.js";
import { dayKey, formatSet, otherSide } from "../units.js";

const SIDES = ["left", "right", "both"];
const SAVED_LABEL = { left: "left set", right: "right set", both: "set (both sides)" };
const SAVE_LABEL = {
  left: "Save left set",
  right: "Save right set",
  both: "Save set (both sides)",
};
const LIMB_GROUPS = [
  ["leg", "Legs"],
  ["arm", "Arms"],
  ["other", "Other"],
];

function ExercisePicker({ value, catalogue, recent, customs, onChange, onNew }) {
  const option = (id, name) => html`<option value=${id}>${name}</option>`;
  const fresh = (e) => !recent.includes(e.id);
  return html`<div class="field">
    <div class="label-row">
      <label for="log-exercise">Exercise</label>
      <button type="button" class="link" data-testid="new-exercise" onClick=${onNew}>
        + New exercise
      </button>
    </div>
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

function NewExercise({ onDone }) {
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

/** `#/log?exercise=<id>&side=<left|right|both>` (the Injury screen, a reminder) opens the form
 * on that exercise and side; each new target starts a fresh form. */
export function LogScreen({ state }) {
  const [, , query] = useRoute();
  const side = query.get("side");
  const target = { exercise: query.get("exercise"), side: SIDES.includes(side) ? side : null };
  return html`<${LogForm} key=${query.toString()} state=${state} target=${target} />`;
}

function LogForm({ state, target }) {
  const { catalogue, units } = state;
  const recent = useMemo(() => replica.recentExercises(), [state.revision]);
  const customs = useMemo(() => replica.customExercises(), [state.revision]);
  // A target names an exercise the picker offers once the catalogue (or a sync) brings it.
  const known = (id) =>
    recent.includes(id) || [...catalogue, ...customs].some((e) => e.id === id);
  const asked = target.exercise && known(target.exercise) ? target.exercise : null;
  const [picked, setPicked] = useState(null);
  const exercise = picked ?? asked ?? recent[0] ?? catalogue[0]?.id ?? customs[0]?.id ?? null;
  const [side, setSide] = useState(target.side ?? "left");
  const [values, setValues] = useState(null);
  const [errors, setErrors] = useState({});
  const [saved, setSaved] = useState(null);
  const [adding, setAdding] = useState(false);
  const [noteOpen, setNoteOpen] = useState(false);
  const saving = useRef(false); // a double tap logs one set, not two

  // The last values for this exercise and side (else its latest set), without the note.
  const lastValues = (ex, sd) => {
    const last = ex ? (replica.lastSet(ex, sd) ?? replica.lastSet(ex)) : null;
    return { ...formValues(last, units), note: "" };
  };
  const prefill = (ex, sd) => {
    setValues(lastValues(ex, sd));
    setErrors({});
  };
  const shown = values ?? lastValues(exercise, side);

  const choose = (ex) => {
    setPicked(ex);
    setSaved(null);
    prefill(ex, side);
  };
  const chooseSide = (sd) => {
    setSide(sd);
    setSaved(null);
    prefill(exercise, sd);
  };
  const sameForOther = () => {
    setSide(otherSide(saved.side));
    setValues(saved.values);
    setSaved(null);
    document.getElementById("log-reps")?.focus();
  };
  const save = async (event) => {
    event.preventDefault();
    const started = performance.now();
    const result = readForm(shown, units);
    if (result.errors) return setErrors(result.errors);
    if (saving.current) return;
    saving.current = true;
    setErrors({});
    try {
      await logSet({ exercise, side, ...result.fields });
    } finally {
      saving.current = false;
    }
    performance.measure("sidewise:save-set", { start: started });
    setValues({ ...shown, note: "" });
    setSaved({
      side,
      values: shown,
      text: `${SAVED_LABEL[side]}: ${formatSet(result.fields, units)}`,
    });
  };

  if (adding) {
    return html`<${NewExercise} onDone=${(id) => {
      setAdding(false);
      if (id) choose(id);
    }} />`;
  }
  const today = dayKey(Date.now());
  const todays = replica
    .sets()
    .filter((s) => s.exercise === exercise && dayKey(s.performed_at) === today)
    .reverse();
  const other = saved && otherSide(saved.side);
  return html`<form class="log" onSubmit=${save} aria-labelledby="log-title" novalidate>
      <h1 id="log-title" class="sr-only">Log a set</h1>
      ${
        exercise
          ? html`<${ExercisePicker} value=${exercise} catalogue=${catalogue} recent=${recent}
            customs=${customs} onChange=${choose} onNew=${() => setAdding(true)} />`
          : html`<p class="hint">Exercises load when you are online. You can add your own now.</p>
            <button type="button" class="secondary big" data-testid="new-exercise"
              onClick=${() => setAdding(true)}>+ New exercise</button>`
      }
      <${SideToggle} name="log-side" value=${side} onChange=${chooseSide} />
      <${SetFields} prefix="log" values=${shown} errors=${errors} units=${units}
        onInput=${(field, text) => setValues({ ...shown, [field]: text })} noteOpen=${noteOpen}
        onAddNote=${() => {
          setNoteOpen(true);
          requestAnimationFrame(() => document.getElementById("log-note")?.focus());
        }} />
      <button type="submit" class="primary big" data-testid="save-set" disabled=${!exercise}>
        ${SAVE_LABEL[side]}
      </button>
      <div class="after-save">
        <p class="saved" role="status" data-testid="saved-status">
          ${saved && html`Saved ${saved.text}`}
        </p>
        ${
          other &&
          html`<button type="button" class="secondary" data-testid="same-other-side"
            onClick=${sameForOther}>Same for ${other}</button>`
        }
      </div>
    </form>
    ${
      todays.length > 0 &&
      html`<section aria-labelledby="today-title">
      <h2 id="today-title">Today · ${exerciseName(exercise)}</h2>
      <${Pairs} sets=${todays} units=${units} />
    </section>`
    }`;
}
