// Import, step two: what the file holds (format, unit, days, exercises, skipped rows), a choice
// per exercise (what it becomes, which side its sets were), then the import with its progress.
import { useEffect, useMemo, useState } from "preact/hooks";
import { html } from "./html.js";
import { clearImport, pickedImport } from "../imports.js";
import { replica, syncNow } from "../store.js";
import { commitImport, previewImport } from "../transfer.js";

const SIDES = [
  ["alternate", "Alternating L, R"],
  ["left", "All left"],
  ["right", "All right"],
  ["both", "Both at once"],
];
const REASONS = {
  rest_timer: "rest timers",
  no_reps: "no reps (cardio, timed)",
  columns: "wrong number of columns",
};

function initialChoices(preview) {
  return Object.fromEntries(
    preview.exercises.map((e) => [
      e.name,
      { target: e.suggested ?? "new", side: e.proposed_side, limb: e.limb, newName: e.name },
    ]),
  );
}

function ExerciseChoice({ exercise, choice, catalogue, customs, onChange }) {
  const set = (patch) => onChange({ ...choice, ...patch });
  const hinted = exercise.hinted_left + exercise.hinted_right;
  return html`<li class="card import-exercise" data-testid="import-exercise"
      data-name=${exercise.name}>
    <strong>${exercise.name}</strong>
    <span class="sub">${exercise.sets} sets${exercise.warmups ? `, ${exercise.warmups} warm-up` : ""}
      ${hinted ? ` · ${hinted} name their side (kept)` : ""}</span>
    <div class="field">
      <label>Becomes</label>
      <select data-testid="import-target" value=${choice.target}
        onChange=${(e) => set({ target: e.target.value })}>
        <option value="new">New exercise “${exercise.name}”</option>
        ${catalogue.map((c) => html`<option value=${c.id}>${c.name}</option>`)}
        ${customs.map((c) => html`<option value=${c.id}>${c.name} (yours)</option>`)}
      </select>
    </div>
    ${
      choice.target === "new" &&
      html`<div class="field">
        <label>Limb</label>
        <select value=${choice.limb} onChange=${(e) => set({ limb: e.target.value })}>
          <option value="arm">Arm</option><option value="leg">Leg</option>
          <option value="other">Other</option>
        </select>
      </div>`
    }
    <fieldset>
      <legend>Side of the sets${hinted ? " without a hint" : ""}</legend>
      <div class="segmented wide">
        ${SIDES.map(
          ([side, label]) => html`<label class="seg">
            <input type="radio" name=${`side-${exercise.name}`} value=${side}
              checked=${choice.side === side} data-testid=${`side-${side}`}
              onChange=${() => set({ side })} />
            <span>${label}</span>
          </label>`,
        )}
      </div>
    </fieldset>
  </li>`;
}

function planOf(preview, choices) {
  return {
    exercises: preview.exercises.map((e) => {
      const c = choices[e.name];
      const out = { name: e.name, target: c.target, side: c.side };
      if (c.target === "new") out.new = { name: c.newName, limb: c.limb, unilateral: true };
      return out;
    }),
  };
}

function Facts({ preview }) {
  const days =
    preview.first_day === preview.last_day
      ? preview.first_day
      : `${preview.first_day} to ${preview.last_day}`;
  return html`<dl class="facts" data-testid="import-facts">
    <div><dt>Format</dt><dd data-testid="import-format">${preview.format_label}</dd></div>
    <div><dt>Text</dt><dd>${preview.encoding}</dd></div>
    <div><dt>Weights</dt><dd>${preview.unit ?? "as each row says"}</dd></div>
    ${preview.first_day && html`<div><dt>Days</dt><dd>${days}</dd></div>`}
    <div><dt>Sets</dt><dd data-testid="import-sets">${preview.sets}
      ${preview.warmups ? ` (${preview.warmups} warm-up)` : ""}</dd></div>
    ${
      preview.already_imported > 0 &&
      html`<div><dt>Already here</dt><dd>${preview.already_imported}</dd></div>`
    }
  </dl>`;
}

function Skipped({ preview }) {
  if (!preview.skipped_total) return null;
  const counts = Object.entries(preview.skipped_by_reason)
    .map(([reason, n]) => `${n} ${REASONS[reason] ?? reason.replaceAll("_", " ")}`)
    .join(", ");
  return html`<details data-testid="import-skipped">
    <summary>${preview.skipped_total} rows skipped: ${counts}</summary>
    <ul class="plain-list small">
      ${preview.skipped.map(
        (s) => html`<li><strong>Line ${s.line}</strong>: ${s.detail}</li>`,
      )}
    </ul>
  </details>`;
}

export function ImportScreen({ state }) {
  // Held for this visit: the file is forgotten once imported, the outcome still shows.
  const [picked] = useState(pickedImport);
  const [preview, setPreview] = useState(null);
  const [choices, setChoices] = useState({});
  const [error, setError] = useState(null);
  const [progress, setProgress] = useState(null);
  const [outcome, setOutcome] = useState(null);
  const customs = useMemo(() => replica.customExercises(), [state.revision]);
  useEffect(() => {
    if (!picked) return;
    previewImport(picked.file, picked.unit)
      .then((body) => {
        setPreview(body);
        setChoices(initialChoices(body));
      })
      .catch((failure) => setError(failure.message));
  }, [picked]);

  if (!picked) {
    return html`<h1>Import</h1>
      <p>Choose a file in <a href="#/settings">Settings → Your data</a>.</p>`;
  }
  const confirm = async () => {
    setProgress({ done: 0, total: 1 });
    try {
      const last = await commitImport(picked.file, picked.unit, planOf(preview, choices), (event) =>
        event.type === "progress" ? setProgress(event) : null,
      );
      if (last.type === "done") {
        setOutcome(last);
        clearImport();
        syncNow();
      } else setError(last.detail);
    } catch (failure) {
      setError(failure.message);
    }
    setProgress(null);
  };
  return html`<h1>Import ${picked.file.name}</h1>
    ${error && html`<p class="error" role="alert" data-testid="import-error">${error}</p>`}
    ${!preview && !error && html`<p class="lead" data-testid="import-reading">Reading the file…</p>`}
    ${
      outcome &&
      html`<p class="saved" role="status" data-testid="import-done">
        Imported ${outcome.sets} sets${outcome.ops_applied === 0 ? " (all were already here)" : ""}.
        They sync to your other devices.</p>
        <a class="go primary" href="#/charts">See the charts</a>`
    }
    ${
      preview &&
      !outcome &&
      html`<div data-testid="import-preview">
        <${Facts} preview=${preview} />
        <${Skipped} preview=${preview} />
        ${
          preview.exercises.length > 0 &&
          html`<h2>Exercises</h2>
          <p class="hint small">Nothing is created until you import. A note or name that says
            left or right keeps that side.</p>
          <ul class="plain-list">
            ${preview.exercises.map(
              (exercise) => html`<${ExerciseChoice} key=${exercise.name} exercise=${exercise}
                choice=${choices[exercise.name]} catalogue=${state.catalogue} customs=${customs}
                onChange=${(c) => setChoices({ ...choices, [exercise.name]: c })} />`,
            )}
          </ul>`
        }
        ${
          progress
            ? html`<label for="import-progress">Importing… ${progress.done} of ${progress.total}</label>
              <progress id="import-progress" data-testid="import-progress" max=${progress.total}
                value=${progress.done}></progress>`
            : html`<button type="button" class="primary big" data-testid="import-confirm"
                disabled=${preview.sets === 0 && preview.rows === 0} onClick=${confirm}>
                Import ${preview.sets} sets</button>`
        }
      </div>`
    }`;
}
