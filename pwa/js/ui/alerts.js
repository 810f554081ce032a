// Imbalance alerts the server raised, as the frame's banner (until acknowledged) and as the
// Charts screen's list for one exercise (until the server clears them).
import { useMemo, useState } from "preact/hooks";
import { html } from "./html.js";
import { bannerAlerts } from "../insight/alerts.js";
import { acknowledgeAlert, exerciseName, replica } from "../store.js";
import { friendlyDates, sideName } from "../units.js";

const KINDS = {
  lsi: "Strength imbalance",
  volume: "Volume imbalance",
  baseline: "Below pre-injury best",
};
// The banner's title is a third of a phone's width: the kind in a word, so the side and the
// exercise fit beside it.
const SHORT_KINDS = { lsi: "Strength", volume: "Volume", baseline: "Below best" };

/** One row above the screen: what, which side of which exercise (a link to its chart, up to
 * two lines), the message behind Why, and Acknowledge. */
function CompactAlert({ alert, more = 0, open = false, onMore }) {
  const name = exerciseName(alert.exercise);
  const kind = KINDS[alert.kind] ?? "Alert";
  return html`<div class="alert compact" data-testid="alert" data-alert-id=${alert.id}
      data-kind=${alert.kind} data-exercise=${alert.exercise} data-side=${alert.side}>
    <a class="alert-title" href=${`#/charts/${encodeURIComponent(alert.exercise)}`}>
      <strong>${SHORT_KINDS[alert.kind] ?? kind}</strong> · ${sideName(alert.side)} · ${name}
      <span class="sr-only">(${kind})</span>
    </a>
    <details>
      <summary>Why<span class="sr-only">: ${kind} of ${name}</span></summary>
      <p class="alert-message">${friendlyDates(alert.message)}</p>
    </details>
    <button type="button" data-testid="alert-ack" onClick=${() => acknowledgeAlert(alert.id)}>
      OK<span class="sr-only">, acknowledge ${kind} of ${name}</span>
    </button>
    ${
      more > 0 &&
      html`<button type="button" data-testid="alert-more" aria-expanded=${open ? "true" : "false"}
        onClick=${onMore}>+${more}<span class="sr-only"> more alerts</span></button>`
    }
  </div>`;
}

/** One alert: what, which side of which exercise, the server's message (formula and numbers),
 * a link to the exercise's chart and, until done, an Acknowledge button. */
export function AlertItem({ alert, link = true }) {
  const name = exerciseName(alert.exercise);
  return html`<div class="alert" data-testid="alert" data-alert-id=${alert.id}
      data-kind=${alert.kind} data-exercise=${alert.exercise} data-side=${alert.side}>
    <p class="alert-title">
      <strong>${KINDS[alert.kind] ?? "Alert"}</strong> · ${sideName(alert.side)} · ${name}
    </p>
    <p class="alert-message">${friendlyDates(alert.message)}</p>
    <div class="row">
      ${
        link &&
        html`<a href=${`#/charts/${encodeURIComponent(alert.exercise)}`}>
          See the chart<span class="sr-only"> of ${name}</span>
        </a>`
      }
      ${
        alert.acknowledged
          ? html`<span class="hint">Acknowledged</span>`
          : html`<button type="button" data-testid="alert-ack"
              onClick=${() => acknowledgeAlert(alert.id)}>
              Acknowledge<span class="sr-only"> ${KINDS[alert.kind]} of ${name}</span>
            </button>`
      }
    </div>
  </div>`;
}

/** Every standing alert not yet acknowledged, newest first, one row each above the screen
 * (the Charts screen lists them itself). */
export function AlertBanner({ state }) {
  const alerts = useMemo(() => bannerAlerts(replica.ofType("alert")), [state.revision]);
  const [open, setOpen] = useState(false);
  if (alerts.length === 0) return null;
  // One row however many stand; the others open under it.
  const [first, ...rest] = alerts;
  return html`<section class="alerts" data-testid="alert-banner" role="status"
      aria-label="Imbalance alerts">
    <${CompactAlert} key=${first.id} alert=${first} more=${rest.length} open=${open}
      onMore=${() => setOpen(!open)} />
    ${open && rest.map((alert) => html`<${CompactAlert} key=${alert.id} alert=${alert} />`)}
  </section>`;
}
