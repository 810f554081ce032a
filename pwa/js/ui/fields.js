// The inputs of one set, shared by the Log screen and the History editor: big steppers for the
// numbers people change between sets, plain boxes for the rest, errors tied to their input.
import { html } from "./html.js";
import {
  cleanNote,
  eccentricInput,
  loadableInput,
  parseField,
  rpeInput,
  stepWeight,
  weightInput,
} from "../units.js";

const STEP = { reps: 1, rpe: 0.5, eccentric: 1 };
const NUMBERS = ["reps", "weight", "rpe", "eccentric"];

/** Form text of a stored set (or of nothing: empty boxes). With `step`, the weight is rounded
 * to a loadable one (a prefill); without, it is shown as stored (an edit). */
export function formValues(set, units, step) {
  const weight = step ? loadableInput : weightInput;
  return {
    reps: set?.reps != null ? String(set.reps) : "",
    weight: set?.weight_g ? weight(set.weight_g, units, step) : "",
    rpe: rpeInput(set?.rpe_x10),
    eccentric: eccentricInput(set?.eccentric_ms),
    note: set?.note ?? "",
  };
}

/** Stored fields from form text, or {errors} naming what to fix. */
export function readForm(values, units) {
  const errors = {};
  const parsed = {};
  for (const field of NUMBERS) {
    const result = parseField(field, values[field], units);
    if (result.error) errors[field] = result.error;
    else parsed[field] = result.value;
  }
  if (Object.keys(errors).length) return { errors };
  return {
    fields: {
      reps: parsed.reps,
      weight_g: parsed.weight,
      rpe_x10: parsed.rpe,
      eccentric_ms: parsed.eccentric,
      note: cleanNote(values.note),
    },
  };
}

/** The box's number one step up (`direction` 1) or down (-1); weights land on loadable steps. */
export function stepped(text, direction, field, step) {
  const n = Number(String(text).replace(",", ".")) || 0;
  const max = { reps: 1000, weight: 2000, rpe: 10, eccentric: 60 }[field];
  const min = { reps: 1, rpe: 1 }[field] ?? 0;
  const next = field === "weight" ? stepWeight(n, direction, step) : n + direction * step;
  return String(Math.min(max, Math.max(min, Math.round(next * 100) / 100)));
}

function NumberBox({ id, field, label, value, error, step, onInput, stepLabels }) {
  const errorId = `${id}-error`;
  const input = html`<input id=${id} data-testid=${field} type="text" autocomplete="off"
    inputmode=${field === "reps" ? "numeric" : "decimal"} value=${value}
    aria-invalid=${error ? "true" : "false"} aria-describedby=${error ? errorId : undefined}
    onInput=${(e) => onInput(field, e.currentTarget.value)} />`;
  return html`<div class=${stepLabels ? "field inline" : "field"}>
    <label for=${id}>${label}</label>
    ${
      stepLabels
        ? html`<div class="stepper">
          <button type="button" class="step" aria-label=${stepLabels[0]}
            onClick=${() => onInput(field, stepped(value, -1, field, step))}>−</button>
          ${input}
          <button type="button" class="step" aria-label=${stepLabels[1]}
            onClick=${() => onInput(field, stepped(value, 1, field, step))}>+</button>
        </div>`
        : input
    }
    ${error && html`<p class="error" id=${errorId}>${error}</p>`}
  </div>`;
}

/** Reps, weight, RPE, eccentric seconds and note. `prefix` keeps ids unique per form; with
 * `onAddNote`, an empty note stays folded behind a button to keep Save on the first screen;
 * `beside` goes on that button's line (or under the note). */
export function SetFields({
  prefix,
  values,
  errors = {},
  units,
  increment,
  onInput,
  noteOpen = true,
  onAddNote,
  beside = null,
}) {
  const box = (field, label, stepLabels) =>
    html`<${NumberBox} id=${`${prefix}-${field}`} field=${field} label=${label}
      value=${values[field]} error=${errors[field]} onInput=${onInput} stepLabels=${stepLabels}
      step=${field === "weight" ? increment : STEP[field]} />`;
  return html`${box("reps", "Reps", ["One rep fewer", "One rep more"])}
    ${box("weight", `Weight (${units})`, ["Lighter", "Heavier"])}
    <div class="grid2">
      ${box("rpe", "RPE (1–10)")}
      ${box("eccentric", "Eccentric (s)")}
    </div>
    ${
      noteOpen || values.note
        ? html`<div class="field">
          <label for=${`${prefix}-note`}>Note</label>
          <input id=${`${prefix}-note`} data-testid="note" type="text" maxlength="1000"
            autocomplete="off" enterkeyhint="done" value=${values.note}
            onInput=${(e) => onInput("note", e.currentTarget.value)} />
        </div>`
        : html`<div class="label-row">
            <button type="button" class="link" data-testid="add-note" onClick=${onAddNote}>
              + Add a note
            </button>
            ${beside}
          </div>`
    }
    ${(noteOpen || values.note) && beside}`;
}

/** Left / Right / Both as one radio group with big targets. */
export function SideToggle({ name, value, onChange, sides = ["left", "right", "both"] }) {
  const labels = { left: "Left", right: "Right", both: "Both" };
  return html`<fieldset class="sides">
    <legend>Side</legend>
    <div class="segmented">
      ${sides.map(
        (side) => html`<label class=${`seg side-${side}`}>
          <input type="radio" name=${name} value=${side} checked=${value === side}
            data-testid=${`side-${side}`} onChange=${() => onChange(side)} />
          <span>${labels[side]}</span>
        </label>`,
      )}
    </div>
  </fieldset>`;
}
