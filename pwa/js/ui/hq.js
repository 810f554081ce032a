// The hamstring-to-quadriceps ratio per leg, for the patient (Settings) and the clinician:
// the formula named, the 0.6 reference, a flag when a leg's two latest sessions are below it,
// and why machine ratios are best compared over time and between legs.
import { html } from "./html.js";
import { ratio } from "../clinic/format.js";
import { sideName } from "../units.js";

export function HqFigures({ hq }) {
  return html`<div class="hq" data-testid="hq">
    <p class="small">${hq.formula}. Reference ${ratio(hq.reference_x1000)}.</p>
    <ul class="plain-list">
      ${hq.legs.map(
        (leg) => html`<li data-testid=${`hq-${leg.side}`}>
          <strong>${sideName(leg.side)} leg: ${ratio(leg.latest_x1000)}</strong>
          ${leg.sessions.length === 0 && html`<span class="sub"> no day with both a leg curl and
            a leg extension on this leg yet</span>`}
          ${leg.sessions.length > 0 && html`<span class="sub">${
            ` over ${leg.sessions.length} session${leg.sessions.length > 1 ? "s" : ""}`
          }</span>`}
          ${leg.below && html`<div class="low" data-testid=${`hq-flag-${leg.side}`}>${
            `Below ${ratio(hq.reference_x1000)} in the last two sessions`
          }</div>`}
        </li>`,
      )}
    </ul>
    <p class="hint small">${hq.note}</p>
  </div>`;
}
