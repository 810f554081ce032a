// A patient's one-page progress report for a visit: the summary, alerts, plan adherence, H:Q
// and the LSI trend as an SVG picture. The print stylesheet hides the app's frame. It reads
// the same clinician route as the patient view (and is logged the same way).
import { html } from "./html.js";
import { clinicianPatient } from "../api.js";
import { change, pct } from "../clinic/format.js";
import { trendGeometry } from "../clinic/trend.js";
import { AdherenceList, AlertList, useFresh } from "./clinician.js";
import { HqFigures } from "./hq.js";
import { exerciseName } from "../store.js";
import { dateTimeLabel } from "../units.js";

const LINE_CLASSES = ["t0", "t1", "t2", "t3", "t4", "t5"];

function TrendPicture({ charts }) {
  const g = trendGeometry(charts);
  if (!g) return html`<p class="hint">No session with both sides in the last 90 days.</p>`;
  const words = g.lines.map((l) => exerciseName(l.exercise)).join(", ");
  return html`<figure class="trend-figure">
    <svg viewBox=${`0 0 ${g.width} ${g.height}`} role="img" data-testid="report-trend"
      aria-label=${`LSI per session over the last 90 days: ${words}`}>
      ${g.ticks.map(
        (t) => html`<g>
          <line x1=${g.pad.left} x2=${g.width - g.pad.right} y1=${t.y} y2=${t.y} class="grid" />
          <text x=${g.pad.left - 6} y=${t.y + 4} text-anchor="end">${t.label}</text>
        </g>`,
      )}
      <line x1=${g.pad.left} x2=${g.width - g.pad.right} y1=${g.band} y2=${g.band} class="ref" />
      <text x=${g.pad.left} y=${g.height - 8}>${g.from}</text>
      <text x=${g.width - g.pad.right} y=${g.height - 8} text-anchor="end">${g.to}</text>
      ${g.lines.map(
        (l, i) => html`<polyline points=${l.points.join(" ")}
          class=${`series ${LINE_CLASSES[i % LINE_CLASSES.length]}`} />`,
      )}
    </svg>
    <figcaption>
      ${g.lines.map(
        (l, i) => html`<span class=${`key ${LINE_CLASSES[i % LINE_CLASSES.length]}`}>
          ${exerciseName(l.exercise)}</span>`,
      )}
      <span class="key ref">90 % reference</span>
    </figcaption>
  </figure>`;
}

export function ReportScreen({ arg }) {
  const [data, error] = useFresh(() => clinicianPatient(arg), arg);
  if (error) return html`<h1>Report</h1><p class="error" role="alert">${error.message}</p>`;
  if (!data) return html`<h1>Report</h1><p class="hint" data-loading>Loading…</p>`;
  const s = data.summary;
  return html`<article class="report" data-testid="report">
    <div class="no-print">
      <a href=${`#/clinician/${arg}`} class="go">← Back to the patient</a>
      <button type="button" class="primary" onClick=${() => window.print()}>Print</button>
    </div>
    <h1>Progress report: ${data.email}</h1>
    <p class="small">${
      `As of ${s.day} (patient's zone ${data.time_zone}); printed ${dateTimeLabel(Date.now())}. `
    }LSI = involved ÷ uninvolved × 100 while a limb is injured, else weaker ÷ stronger × 100.</p>
    <h2>LSI trend</h2>
    <${TrendPicture} charts=${data.charts} />
    <h2>Latest LSI</h2>
    <table class="report-table">
      <thead><tr><th scope="col">Exercise</th><th scope="col">Latest</th>
        <th scope="col">7 days</th><th scope="col">28 days</th></tr></thead>
      <tbody>${s.exercises.map(
        (e) => html`<tr><th scope="row">${exerciseName(e.exercise)}</th>
          <td>${pct(e.latest_x10)} (${e.latest_day})</td><td>${change(e.change_7_x10)}</td>
          <td>${change(e.change_28_x10)}</td></tr>`,
      )}</tbody>
    </table>
    <h2>Open alerts</h2>
    <${AlertList} alerts=${s.alerts} />
    <h2>Plan adherence</h2>
    <${AdherenceList} adherence=${s.adherence} />
    <h2>Hamstring-to-quadriceps ratio</h2>
    <${HqFigures} hq=${data.hq} />
  </article>`;
}
