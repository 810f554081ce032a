// Reminders (#/reminders, from Settings): whether this device shows notifications, the
// reminders (local records, edited offline like sets and synced to the server that sends
// them), and the account's quiet hours.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { html } from "./html.js";
import { NotificationsCard, QuietHours } from "./notifications.js";
import { ReminderForm, summary } from "./reminder-form.js";
import { exerciseName, replica } from "../store.js";
import {
  LIMB_NAME,
  completeReminders,
  describeDays,
  deviceZone,
  exerciseIds,
} from "../reminders.js";

function ReminderItem({ reminder, onEdit }) {
  const names = exerciseIds(reminder.exercises).map(exerciseName);
  const on = reminder.enabled !== false;
  const elsewhere = reminder.tz !== deviceZone();
  return html`<li class=${`reminder${on ? "" : " off"}`} data-testid="reminder"
    data-reminder-id=${reminder.id} data-limb=${reminder.limb} data-weekdays=${reminder.weekdays}
    data-time=${reminder.local_time} data-tz=${reminder.tz} data-exercises=${reminder.exercises}
    data-enabled=${String(on)}>
    <span>
      <strong>${LIMB_NAME[reminder.limb]} · ${reminder.local_time}</strong>
      ${!on && html` <span class="badge paused">Paused</span>`}
      <span class="sub">${describeDays(reminder.weekdays)}${elsewhere && ` · ${reminder.tz}`}</span>
      ${names.length > 0 && html`<span class="sub">${names.join(", ")}</span>`}
    </span>
    <button type="button" class="secondary" data-testid="reminder-edit" onClick=${onEdit}
      aria-label=${`Edit reminder: ${summary(reminder)}`}>Edit</button>
  </li>`;
}

export function RemindersScreen({ state }) {
  const reminders = useMemo(
    () => completeReminders(replica.ofType("reminder")),
    [state.revision],
  );
  const [editing, setEditing] = useState(null); // null | "new" | a reminder's id
  const [saved, setSaved] = useState(null);
  // The form replaces the list: focus moves to the heading of what now shows.
  const moved = useRef(false);
  useEffect(() => {
    if (!moved.current) {
      moved.current = true;
      return;
    }
    const target = editing ? "reminder-form-title" : "reminders-list-title";
    document.getElementById(target)?.focus();
  }, [editing]);
  const open = (id) => {
    setSaved(null);
    setEditing(id);
  };
  const done = (message) => {
    setSaved(message);
    setEditing(null);
  };

  if (editing) {
    const reminder = editing === "new" ? null : replica.record(editing);
    return html`<h1>Reminders</h1>
      <${ReminderForm} key=${editing} reminder=${reminder} catalogue=${state.catalogue}
        onDone=${done} />`;
  }
  return html`<h1>Reminders</h1>
    <p class="lead">A notification on the days and at the time you train a limb. Tapping it
      opens Log on that exercise and side.</p>
    <${NotificationsCard} state=${state} />
    <section aria-labelledby="reminders-list-title">
      <h2 id="reminders-list-title" tabindex="-1">Your reminders</h2>
      <p class="saved" role="status" data-testid="reminder-saved">${saved}</p>
      ${
        reminders.length === 0
          ? html`<p class="hint" data-testid="reminders-empty">No reminders yet. Add one for the
              limb you are training: pick the days and the time.</p>`
          : html`<ul class="plain-list reminders">
              ${reminders.map(
                (r) => html`<${ReminderItem} key=${r.id} reminder=${r}
                  onEdit=${() => open(r.id)} />`,
              )}
            </ul>`
      }
      <button type="button" class="primary big" data-testid="reminder-new"
        onClick=${() => open("new")}>+ New reminder</button>
    </section>
    <${QuietHours} online=${state.online} />`;
}
