// One exercise of a workout: rows of left/right pairs, each side prefilled and saved with one
// tap, the previous session's pair beside the row, rows added and removed.
import { useRef, useState } from "preact/hooks";
import { html } from "./html.js";
import { DOUBLE_TAP_MS } from "./log.js";
import { deleteSet, exerciseName, logSet } from "../store.js";
import { startRest } from "../training/rest.js";
import { formatSet, loadableInput, parseField, sideName } from "../units.js";

const initial = (set, units, step) => ({
  reps: set?.reps != null ? String(set.reps) : "",
  weight: set?.weight_g ? loadableInput(set.weight_g, units, step) : "",
});

/** One side of one row: reps and weight boxes and the tick that saves it; once saved, the set
 * with Undo. */
function SideCell({ ctx, exercise, index, side, saved, prefill }) {
  const { units, step, workout, rest } = ctx;
  const [values, setValues] = useState(() => initial(prefill, units, step));
  const [error, setError] = useState(null);
  const busy = useRef(false); // a double tap saves one set
  // ... and its second tap must not land on the Undo that replaced the tick.
  const shownAt = useRef(performance.now());
  const name = exerciseName(exercise);
  const where = `${sideName(side)} set ${index + 1} of ${name}`;
  if (saved) {
    const undo = () =>
      performance.now() - shownAt.current > DOUBLE_TAP_MS && deleteSet(saved.id, "Set removed");
    return html`<div class=${`cell done side-${side}`} data-testid="pair-side" data-side=${side}
        data-row=${index} data-set-id=${saved.id}>
      <span class="main">${formatSet(saved, units)}</span>
      <span class="label-row">
        <span class="sub" aria-hidden="true">✓ Saved</span>
        <button type="button" class="link small" data-testid="undo-side"
          aria-label=${`Undo ${where}`}
          onClick=${undo}>
          Undo
        </button>
      </span>
    </div>`;
  }
  const save = async () => {
    if (busy.current) return;
    const started = performance.now();
    const reps = parseField("reps", values.reps, units);
    const weight = parseField("weight", values.weight, units);
    if (reps.error || weight.error) return setError(reps.error ?? weight.error);
    busy.current = true;
    setError(null);
    try {
      await logSet({
        exercise,
        side,
        reps: reps.value,
        weight_g: weight.value,
        eccentric_ms: prefill?.eccentric_ms ?? null,
        workout: workout.id,
      });
      performance.measure("sidewise:save-side", { start: started });
      startRest(exercise, rest(exercise));
    } finally {
      busy.current = false;
    }
  };
  const id = `w-${exercise}-${index}-${side}`;
  const box = (field, label, mode) => html`<input id=${`${id}-${field}`} type="text"
    inputmode=${mode} autocomplete="off" data-testid=${`pair-${field}`} value=${values[field]}
    aria-label=${`${label}, ${where}`} aria-invalid=${error ? "true" : "false"}
    aria-describedby=${error ? `${id}-error` : undefined}
    onInput=${(e) => setValues({ ...values, [field]: e.currentTarget.value })} />`;
  return html`<div class=${`cell todo side-${side}`} data-testid="pair-side" data-side=${side}
      data-row=${index}>
    <div class="boxes">
      ${box("reps", "Reps", "numeric")}<span aria-hidden="true">×</span>${box("weight", `Weight (${units})`, "decimal")}
    </div>
    <button type="button" class="tick" data-testid="tick" onClick=${save}
      aria-label=${`Save ${where}`}>✓ ${sideName(side)}</button>
    ${error && html`<p class="error" id=${`${id}-error`}>${error}</p>`}
  </div>`;
}

const previousText = (prev, units, sides) => {
  const parts = sides
    .filter((side) => prev[side])
    .map((side) => {
      const letter = side === "left" ? "L" : "R";
      return html`<span class="qty">${letter} ${formatSet(prev[side], units)}</span>`;
    });
  return parts.length ? parts.flatMap((part, i) => (i ? [" · ", part] : [part])) : "—";
};

/** An exercise card: its rows, + row, − row (an unsaved last row), remove the exercise. */
export function ExerciseBlock({ ctx, block, onRows, onRemove }) {
  const { units, sides } = ctx;
  const name = exerciseName(block.exercise);
  const savedRows = block.rows.filter((r) => r.left || r.right).length;
  return html`<section class="card workout-exercise" data-testid="workout-exercise"
      data-exercise=${block.exercise} aria-label=${name}>
    <div class="label-row">
      <h2>${name}</h2>
      <button type="button" class="link" data-testid="remove-exercise" onClick=${onRemove}
        aria-label=${`Remove ${name} from the workout`}>Remove</button>
    </div>
    ${block.rows.map(
      (row, i) => html`<div class="pair-row" data-testid="pair-row" data-row=${i}>
        <p class="prev small" data-testid="previous">
          <strong>Set ${i + 1}</strong> · Last time: ${previousText(row.previous, units, sides)}
        </p>
        <div class=${sides.length === 2 ? "pair" : "pair one"}>
          ${sides.map(
            (side) => html`<${SideCell} key=${`${i}-${side}-${row[side]?.id ?? ""}`} ctx=${ctx}
              exercise=${block.exercise} index=${i} side=${side} saved=${row[side]}
              prefill=${row.prefill[side]} />`,
          )}
        </div>
      </div>`,
    )}
    <div class="row">
      <button type="button" data-testid="add-row" onClick=${() => onRows(block.rows.length + 1)}>
        + Row<span class="sr-only"> of ${name}</span>
      </button>
      <button type="button" data-testid="remove-row" disabled=${block.rows.length <= savedRows}
        onClick=${() => onRows(block.rows.length - 1)}>
        − Row<span class="sr-only"> of ${name}</span>
      </button>
    </div>
  </section>`;
}
