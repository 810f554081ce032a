// When a set was done: now by default, or a date and time typed in (a set forgotten yesterday).
import { html } from "./html.js";
import { dayKey } from "../units.js";

const EARLIEST_MS = Date.UTC(2000, 0, 1);
const pad = (n) => String(n).padStart(2, "0");

/** {date, time} of an instant in the device's zone, as the inputs show it. */
export function whenOf(ms) {
  const d = new Date(ms);
  return { date: dayKey(ms), time: `${pad(d.getHours())}:${pad(d.getMinutes())}` };
}

/** {value} in epoch ms (undefined for now) or {error}; never in the future. */
export function performedAt(when, nowMs = Date.now()) {
  if (!when) return { value: undefined };
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(when.date ?? "");
  const time = /^(\d{2}):(\d{2})$/.exec(when.time ?? "");
  if (!day || !time) return { error: "Give the date and the time of the set." };
  const [, y, m, d] = day.map(Number);
  const ms = new Date(y, m - 1, d, Number(time[1]), Number(time[2])).getTime();
  if (Number.isNaN(ms) || ms < EARLIEST_MS) return { error: "Give a date from 2000 on." };
  if (ms > nowMs + 60_000) return { error: "A set cannot be logged in the future." };
  return { value: ms };
}

/** "Now" with a button to pick another date and time, or the date and time boxes. */
export function WhenField({ value, onChange, error, prefix = "log" }) {
  if (!value) {
    return html`<button type="button" class="link" data-testid="when-change"
      onClick=${() => onChange(whenOf(Date.now()))}>Log at another time</button>`;
  }
  const errorId = `${prefix}-when-error`;
  const input = (field, type, label) => html`<div class="field">
    <label for=${`${prefix}-when-${field}`}>${label}</label>
    <input id=${`${prefix}-when-${field}`} type=${type} data-testid=${`when-${field}`}
      value=${value[field]} max=${field === "date" ? dayKey(Date.now()) : undefined}
      aria-invalid=${error ? "true" : "false"} aria-describedby=${error ? errorId : undefined}
      onInput=${(e) => onChange({ ...value, [field]: e.currentTarget.value })} />
  </div>`;
  return html`<fieldset class="when-fields">
    <legend>When</legend>
    <div class="grid2">${input("date", "date", "Date")}${input("time", "time", "Time")}</div>
    ${error && html`<p class="error" id=${errorId}>${error}</p>`}
    ${
      prefix === "log" &&
      html`<button type="button" class="link" data-testid="when-now" onClick=${() => onChange(null)}>
        Back to now
      </button>`
    }
  </fieldset>`;
}
