// Charts: one exercise's left and right estimated 1RM over time, the LSI with its 90 % band,
// and weekly volume per side, from the sets on this device (so they work offline), with the
// same numbers in words for screen readers and anyone in a hurry.
import { useCallback, useMemo, useState } from "preact/hooks";
import { html } from "./html.js";
import { AlertItem } from "./alerts.js";
import { Plot, e1rmPlot, lsiPlot, volumePlot } from "./plots.js";
import { exerciseAlerts } from "../insight/alerts.js";
import {
  RANGES,
  chartExercises,
  chartSets,
  exerciseKind,
  rangeStart,
} from "../insight/exercises.js";
import { involvement } from "../insight/limbs.js";
import { LSI_MIN_PCT, chart, pctX10 } from "../insight/series.js";
import { FORMULAS, localDay } from "../insight/strength.js";
import { exerciseName, replica } from "../store.js";
import { formatE1rm, formatVolume, sideName } from "../units.js";

let lastRange = "12w"; // kept while the app is open, across tabs

const DATE = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
});
const dateLabel = (day) => {
  const [y, m, d] = day.split("-").map(Number);
  return DATE.format(new Date(y, m - 1, d));
};
const pct = (x10) => `${Math.floor(x10 / 10)}.${x10 % 10} %`;

function e1rmText(best, units) {
  if (!best) return "no set yet";
  const rough = best.low_confidence ? " (from more than 12 reps)" : "";
  return `${formatE1rm(best.e1rm_g, units)} on ${dateLabel(best.day)}${rough}`;
}

const baselineText = (base, latest, units) =>
  `${sideName(base.side)} pre-injury best ${formatE1rm(base.e1rm_g, units)} ` +
  `(${dateLabel(base.day)}); the latest is ${pct(pctX10(latest.e1rm_g, base.e1rm_g))} of it`;

function lsiText(lsi) {
  if (!lsi) return "no day with both sides yet";
  const band = lsi.low ? "below" : "at or above";
  return `${pct(lsi.lsi_x10)} on ${dateLabel(lsi.day)}, ${band} ${LSI_MIN_PCT} %`;
}

function volumeText(week, units) {
  if (!week) return "no sets yet";
  const sessions = `${week.sessions} ${week.sessions === 1 ? "session" : "sessions"}`;
  const [left, right] = [formatVolume(week.left, units), formatVolume(week.right, units)];
  return `Left ${left}, right ${right}, ${sessions}`;
}

const limbStatuses = () =>
  replica
    .ofType("limb_status")
    .filter((s) => typeof s.limb === "string" && s.status && typeof s.since === "string");

function Picker({ ids, value }) {
  const go = (id) => (location.hash = `#/charts/${encodeURIComponent(id)}`);
  return html`<div class="field">
    <label for="chart-exercise">Exercise</label>
    <select id="chart-exercise" data-testid="chart-exercise" value=${value}
      onChange=${(e) => go(e.currentTarget.value)}>
      ${ids.map((id) => html`<option value=${id}>${exerciseName(id)}</option>`)}
    </select>
  </div>`;
}

function RangeChoice({ value, onChange }) {
  return html`<fieldset class="range">
    <legend>Range</legend>
    <div class="segmented">
      ${RANGES.map(
        ([name, label]) => html`<label class="seg">
          <input type="radio" name="chart-range" value=${name} checked=${value === name}
            data-testid=${`range-${name}`} onChange=${() => onChange(name)} />
          <span>${label}</span>
        </label>`,
      )}
    </div>
  </fieldset>`;
}

function Legend({ items }) {
  return html`<ul class="legend">
    ${items.map(
      ([mark, label]) =>
        html`<li><span class=${`mark ${mark}`} aria-hidden="true"></span>${label}</li>`,
    )}
  </ul>`;
}

/** The latest figure of each chart, in words; data-* hold the exact integers for tests. */
function Summary({ data, units }) {
  const latest = (side) => data.days.findLast((b) => b.side === side);
  const left = latest("left");
  const right = latest("right");
  const lsi = data.lsi.at(-1);
  const week = data.volume.at(-1);
  const base = data.baseline;
  const own = base && latest(base.side);
  return html`<dl class="facts summary" data-testid="chart-summary"
      data-left-e1rm-g=${left?.e1rm_g} data-right-e1rm-g=${right?.e1rm_g}
      data-lsi-x10=${lsi?.lsi_x10} data-week=${week?.week_start}
      data-volume-left=${week?.left} data-volume-right=${week?.right}>
    <div id="sum-e1rm">
      <dt>Latest estimated 1RM (${FORMULAS[data.formula]})</dt>
      <dd><span class="side-left">Left</span> ${e1rmText(left, units)}</dd>
      <dd><span class="side-right">Right</span> ${e1rmText(right, units)}</dd>
      ${own && html`<dd>${baselineText(base, own, units)}</dd>`}
    </div>
    <div id="sum-lsi">
      <dt>Latest LSI (${data.lsi_formula})</dt>
      <dd>${lsiText(lsi)}</dd>
    </div>
    <div id="sum-volume">
      <dt>Volume load (Σ weight × reps), week of ${week ? dateLabel(week.week_start) : "—"}</dt>
      <dd>${volumeText(week, units)}</dd>
    </div>
  </dl>`;
}

function Figure({ id, title, sub, testId, make, legend }) {
  return html`<figure class="chart" aria-labelledby=${`${id}-title`}
      aria-describedby=${`sum-${id}`}>
    <h2 id=${`${id}-title`}>${title}</h2>
    <p class="hint small">${sub}</p>
    <${Plot} testId=${testId} make=${make} />
    <${Legend} items=${legend} />
  </figure>`;
}

function Charts({ data, units }) {
  const e1rm = useCallback(() => e1rmPlot(data, units), [data, units]);
  const lsi = useCallback(() => lsiPlot(data), [data]);
  const volume = useCallback((uPlot) => volumePlot(data, units, uPlot.paths.bars), [data, units]);
  const base = data.baseline;
  return html`<${Figure} id="e1rm" title=${`Estimated 1RM (${units})`} testId="chart-e1rm"
      sub=${`${FORMULAS[data.formula]}; the best set of each side each day`} make=${e1rm}
      legend=${[
        ["left", "Left"],
        ["right", "Right"],
        ...(data.days.some((b) => b.low_confidence)
          ? [["ring", "More than 12 reps (rough estimate)"]]
          : []),
        ...(base ? [[`base ${base.side}`, `${sideName(base.side)} pre-injury best`]] : []),
        ["star", "★ Best ever per side"],
      ]} />
    ${
      data.lsi.length > 0
        ? html`<${Figure} id="lsi" title="LSI (%)" testId="chart-lsi" make=${lsi}
            sub=${`${data.lsi_formula}, on days both sides trained`}
            legend=${[
              ["lsi", "LSI"],
              ["band", `${LSI_MIN_PCT} % and above (return-to-sport)`],
              ["ring low", `Below ${LSI_MIN_PCT} %`],
            ]} />`
        : html`<section aria-labelledby="lsi-title" data-testid="lsi-empty">
            <h2 id="lsi-title">LSI (%)</h2>
            <p class="hint">The LSI compares the sides on days both were trained. Log a left and
              a right set on the same day to see it.</p>
          </section>`
    }
    <${Figure} id="volume" title=${`Weekly volume (${units})`} testId="chart-volume"
      sub="Σ weight × reps per side, weeks from Monday" make=${volume}
      legend=${[
        ["bar left", "Left"],
        ["bar right", "Right"],
      ]} />`;
}

export function ChartsScreen({ state, arg }) {
  const { units, formula, catalogue } = state;
  const sets = useMemo(() => replica.sets(), [state.revision]);
  const ids = useMemo(() => chartExercises(sets), [sets]);
  const [range, setRange] = useState(lastRange);
  const exercise = arg ?? ids[0] ?? null;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const today = localDay(Date.now(), zone);
  const kind = exercise && exerciseKind(exercise, catalogue, replica.customExercises());
  const injury = useMemo(
    () => (kind ? involvement(limbStatuses(), kind) : null),
    [kind, state.revision],
  );
  const data = useMemo(
    () =>
      exercise &&
      chart(chartSets(sets, exercise), exercise, {
        zone,
        formula,
        injured: injury?.side ?? null,
        injuredSince: injury?.since ?? null,
        start: rangeStart(range, today),
      }),
    [sets, exercise, zone, formula, injury, range, today],
  );
  const alerts = useMemo(
    () => (exercise ? exerciseAlerts(replica.ofType("alert"), exercise) : []),
    [exercise, state.revision],
  );
  const choose = (name) => {
    lastRange = name;
    setRange(name);
  };

  if (!exercise) {
    return html`<h1>Charts</h1>
      <p class="hint" data-testid="chart-empty">
        No sets yet. Log left and right sets on the <a href="#/log">Log</a> screen to compare
        the sides here.
      </p>`;
  }
  const options = ids.includes(exercise) ? ids : [exercise, ...ids];
  const name = exerciseName(exercise);
  return html`<h1>Charts</h1>
    <${Picker} ids=${options} value=${exercise} />
    <${RangeChoice} value=${range} onChange=${choose} />
    ${
      injury &&
      html`<p class="hint">${
        `${sideName(injury.side)} ${injury.kind} ${injury.status} since ` +
        `${dateLabel(injury.since)}: the LSI is involved ÷ uninvolved.`
      }</p>`
    }
    ${
      alerts.length > 0 &&
      html`<section aria-labelledby="chart-alerts-title" data-testid="chart-alerts">
        <h2 id="chart-alerts-title">Alerts</h2>
        ${alerts.map((a) => html`<${AlertItem} key=${a.id} alert=${a} link=${false} />`)}
      </section>`
    }
    ${
      data.days.length === 0
        ? html`<p class="hint" data-testid="chart-empty">
            ${name} has no left or right sets${range === "all" ? "" : " in this range"}. Log sets
            per side to chart them${range === "all" ? "" : ", or choose All"}.
          </p>`
        : html`<${Summary} data=${data} units=${units} />
          <${Charts} data=${data} units=${units} />`
    }`;
}
