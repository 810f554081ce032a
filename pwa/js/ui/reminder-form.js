// The form that creates or edits one reminder: limb, days, local time and zone, the exercises
// the notification names (the first one opens on tap), on or off. Saving is a local edit.
import { useMemo, useRef, useState } from "preact/hooks";
import { html } from "./html.js";
import { deleteReminder, exerciseName, replica, saveReminder } from "../store.js";
import {
  DAYS,
  LIMBS,
  LIMB_NAME,
  describeDays,
  deviceZone,
  exerciseIds,
  exercisesFor,
  hasDay,
  limbKind,
  toggleDay,
  zoneChoices,
} from "../reminders.js";

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const MON_WED_FRI = 0b0010101; // three sessions a week, the usual plan

/** Form values of a stored reminder, or those of a new one. */
function formOf(reminder) {
  return {
    limb: reminder?.limb ?? "left_leg",
    weekdays: reminder?.weekdays ?? MON_WED_FRI,
    local_time: reminder?.local_time ?? "18:00",
    tz: reminder?.tz ?? deviceZone(),
    exercises: exerciseIds(reminder?.exercises),
    enabled: reminder?.enabled ?? true,
  };
}

/** "Left leg, Mon, Wed, Fri at 18:00": what a saved reminder does. */
export const summary = (r) =>
  `${LIMB_NAME[r.limb]}, ${describeDays(r.weekdays)} at ${r.local_time}`;

function Exercises({ form, catalogue, onChange }) {
  const picked = form.exercises;
  const offered = exercisesFor(form.limb, catalogue, replica.customExercises());
  const ids = offered.map((e) => e.id);
  // Exercises stored earlier but no longer offered (not yet synced) stay visible and removable.
  const extra = picked.filter((id) => !ids.includes(id));
  const choices = [...offered, ...extra.map((id) => ({ id, name: exerciseName(id) }))];
  const toggle = (id) =>
    onChange(picked.includes(id) ? picked.filter((e) => e !== id) : [...picked, id]);
  const first = picked[0];
  return html`<fieldset aria-describedby="reminder-exercises-hint">
    <legend>Exercises</legend>
    <p class="hint small" id="reminder-exercises-hint">
      ${
        first
          ? `Tapping the reminder opens Log on ${exerciseName(first)}.`
          : "Optional. The first one you tick is the one a tap on the reminder opens."
      }
    </p>
    ${choices.length === 0 && html`<p class="hint">Exercises load when you are online.</p>`}
    ${choices.map(
      (e) => html`<label class="check">
        <input type="checkbox" data-testid="reminder-exercise" data-exercise=${e.id}
          checked=${picked.includes(e.id)} onChange=${() => toggle(e.id)} />
        <span>${e.name}</span>
      </label>`,
    )}
  </fieldset>`;
}

export function ReminderForm({ reminder, catalogue, onDone }) {
  const [form, setForm] = useState(() => formOf(reminder));
  const [errors, setErrors] = useState({});
  const saving = useRef(false);
  const set = (patch) => setForm({ ...form, ...patch });
  const zones = useMemo(() => zoneChoices(form.tz), [form.tz]);
  const chooseLimb = (limb) => {
    // Another limb of the same kind keeps the exercises; arm ↔ leg cannot.
    const keep = limbKind(limb) === limbKind(form.limb);
    set({ limb, exercises: keep ? form.exercises : [] });
  };
  const save = async (event) => {
    event.preventDefault();
    const found = {};
    if (form.weekdays === 0) found.days = "Pick at least one day.";
    if (!TIME.test(form.local_time)) found.time = "Enter the time as hours and minutes.";
    setErrors(found);
    if (found.days || found.time) {
      // Save sits below the fold: take the person to what needs fixing.
      const first = found.days ? "[data-testid=reminder-day-mon]" : "#reminder-time";
      return document.querySelector(first)?.focus();
    }
    if (saving.current) return;
    saving.current = true;
    try {
      const fields = { ...form, exercises: form.exercises.join(",") };
      await saveReminder(reminder?.id ?? null, fields);
      onDone(`Saved: ${summary(fields)}${form.enabled ? "" : " (paused)"}.`);
    } finally {
      saving.current = false;
    }
  };
  const remove = async () => {
    await deleteReminder(reminder.id);
    onDone(null);
  };
  const title = reminder ? "Edit reminder" : "New reminder";
  return html`<form class="card" data-testid="reminder-form" onSubmit=${save} novalidate
    aria-labelledby="reminder-form-title">
    <h2 id="reminder-form-title" tabindex="-1">${title}</h2>
    <fieldset>
      <legend>Limb</legend>
      <div class="segmented wide">
        ${LIMBS.map(
          ([limb, name]) => html`<label class="seg">
            <input type="radio" name="reminder-limb" value=${limb} checked=${form.limb === limb}
              data-testid=${`reminder-limb-${limb}`} onChange=${() => chooseLimb(limb)} />
            <span>${name}</span>
          </label>`,
        )}
      </div>
    </fieldset>
    <fieldset aria-describedby=${errors.days ? "reminder-days-error" : undefined}>
      <legend>Days</legend>
      <div class="days">
        ${DAYS.map(
          ([key, short, long], i) => html`<label class="seg">
            <input type="checkbox" aria-label=${long} checked=${hasDay(form.weekdays, i)}
              data-testid=${`reminder-day-${key}`}
              onChange=${() => set({ weekdays: toggleDay(form.weekdays, i) })} />
            <span>${short}</span>
          </label>`,
        )}
      </div>
      ${errors.days && html`<p class="error" id="reminder-days-error">${errors.days}</p>`}
    </fieldset>
    <div class="field">
      <label for="reminder-time">Time</label>
      <input id="reminder-time" data-testid="reminder-time" type="time" value=${form.local_time}
        aria-invalid=${errors.time ? "true" : "false"}
        aria-describedby=${errors.time ? "reminder-time-error" : undefined}
        onInput=${(e) => set({ local_time: e.currentTarget.value })} />
      ${errors.time && html`<p class="error" id="reminder-time-error">${errors.time}</p>`}
    </div>
    <div class="field">
      <label for="reminder-tz">Time zone</label>
      <select id="reminder-tz" data-testid="reminder-tz" value=${form.tz}
        onChange=${(e) => set({ tz: e.currentTarget.value })}>
        ${zones.map((zone) => html`<option value=${zone}>${zone}</option>`)}
      </select>
    </div>
    <${Exercises} form=${form} catalogue=${catalogue}
      onChange=${(exercises) => set({ exercises })} />
    <label class="check">
      <input type="checkbox" data-testid="reminder-enabled" checked=${form.enabled}
        onChange=${(e) => set({ enabled: e.currentTarget.checked })} />
      <span>Remind me (untick to pause this reminder)</span>
    </label>
    <div class="row">
      <button type="submit" class="primary" data-testid="reminder-save">Save</button>
      <button type="button" data-testid="reminder-cancel" onClick=${() => onDone(null)}>
        Cancel
      </button>
    </div>
    ${
      reminder &&
      html`<button type="button" class="danger big" data-testid="reminder-delete"
        onClick=${remove}>Delete reminder</button>`
    }
  </form>`;
}
