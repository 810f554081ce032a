// Log: pick the exercise and side, adjust the prefilled numbers, save with one tap; the other
// side with the same numbers is one more tap. Works the same with or without a connection.
import { useMemo, useRef, useState } from "preact/hooks";
import { html, useRoute } from "./html.js";
import { SetFields, SideToggle, formValues, readForm } from "./fields.js";
import { ExercisePicker, NewExercise } from "./exercise-picker.js";
import { WhenField, performedAt } from "./when.js";
import { Pairs } from "./sets.js";
import { deleteSet, exerciseName, logSet, replica } from "../store.js";
import { dayKey, dayLabel, formatSet, incrementOf, otherSide } from "../units.js";

// A second Save of the same numbers this soon after the first is the same tap twice.
export const DOUBLE_TAP_MS = 1500;

const SIDES = ["left", "right", "both"];
const SAVED_LABEL = { left: "left set", right: "right set", both: "set (both sides)" };
const SAVE_LABEL = {
  left: "Save left set",
  right: "Save right set",
  both: "Save set (both sides)",
};
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
  const [lastId, setLastId] = useState(null); // the set Undo removes
  const [when, setWhen] = useState(null); // {date, time} of a set logged after the fact
  const saving = useRef(false); // a double tap logs one set, not two
  const lastSave = useRef(null); // {key, at} of the last save
  const step = incrementOf(state.meta, units);

  // The last values for this exercise and side (else its latest set), without the note, the
  // weight rounded to what the bar can be loaded to.
  const lastValues = (ex, sd) => {
    const last = ex ? (replica.lastSet(ex, sd) ?? replica.lastSet(ex)) : null;
    return { ...formValues(last, units, step), note: "" };
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
  const store = async (sd, formText, started) => {
    const result = readForm(formText, units);
    if (result.errors) return setErrors(result.errors);
    const at = performedAt(when);
    if (at.error) return setErrors({ when: at.error });
    const key = JSON.stringify([exercise, sd, result.fields, at.value ?? null]);
    const repeat = lastSave.current?.key === key && Date.now() - lastSave.current.at < DOUBLE_TAP_MS;
    if (saving.current || repeat) return;
    saving.current = true;
    setErrors({});
    let id;
    try {
      id = await logSet({ exercise, side: sd, ...result.fields, performed_at: at.value });
    } finally {
      saving.current = false;
    }
    lastSave.current = { key, at: Date.now() };
    performance.measure("sidewise:save-set", { start: started });
    const day = at.value ? ` on ${dayLabel(dayKey(at.value))}` : "";
    setSide(sd);
    setValues({ ...formText, note: "" });
    setSaved({
      side: sd,
      values: formText,
      text: `${SAVED_LABEL[sd]}${day}: ${formatSet(result.fields, units)}`,
    });
    setLastId(id);
  };
  const save = (event) => {
    event.preventDefault();
    return store(side, shown, performance.now());
  };
  // "Save left too": the other side with the numbers just saved, in one tap.
  const sameForOther = () => store(otherSide(saved.side), saved.values, performance.now());

  // Today's sets of the exercise, rebuilt only when a set, the exercise or the day changed.
  const today = dayKey(Date.now());
  const todays = useMemo(() => {
    const sets = replica
      .sets()
      .filter((s) => s.exercise === exercise && dayKey(s.performed_at) === today)
      .reverse();
    return (
      sets.length > 0 &&
      html`<section aria-labelledby="today-title">
        <h2 id="today-title">Today · ${exerciseName(exercise)}</h2>
        <${Pairs} sets=${sets} units=${units} />
      </section>`
    );
  }, [state.revision, exercise, units, catalogue, today]);

  if (adding) {
    return html`<${NewExercise} catalogue=${catalogue} customs=${customs} onDone=${(id) => {
      setAdding(false);
      if (id) choose(id);
    }} />`;
  }
  const other = saved && otherSide(saved.side);
  return html`<form class="log" onSubmit=${save} aria-labelledby="log-title" novalidate>
      <h1 id="log-title" class="sr-only">Log a set</h1>
      ${
        exercise
          ? html`<${ExercisePicker} value=${exercise} catalogue=${catalogue} recent=${recent}
            customs=${customs} revision=${state.revision} onChange=${choose}
            onNew=${() => setAdding(true)} />`
          : html`<p class="hint">Exercises load when you are online. You can add your own now.</p>
            <button type="button" class="secondary big" data-testid="new-exercise"
              onClick=${() => setAdding(true)}>+ New exercise</button>`
      }
      <${SideToggle} name="log-side" value=${side} onChange=${chooseSide} />
      <${SetFields} prefix="log" values=${shown} errors=${errors} units=${units} increment=${step}
        onInput=${(field, text) => setValues({ ...shown, [field]: text })} noteOpen=${noteOpen}
        beside=${html`<${WhenField} value=${when} onChange=${setWhen} error=${errors.when} />`}
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
          saved &&
          lastId &&
          html`<button type="button" class="link" data-testid="undo-save" onClick=${() => {
            deleteSet(lastId, "Set removed");
            setSaved(null);
            setLastId(null);
          }}>Undo<span class="sr-only"> the ${SAVED_LABEL[saved.side]}</span></button>`
        }
        ${
          other &&
          html`<button type="button" class="secondary" data-testid="same-other-side"
            onClick=${sameForOther}>Save ${other} too: ${formatSet(readForm(saved.values, units).fields ?? {}, units)}</button>`
        }
      </div>
    </form>
    ${todays}`;
}
