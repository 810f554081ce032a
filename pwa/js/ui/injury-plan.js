// One body part's cross-education plan on the Injury screen: the trained limb, what to do, how
// many sessions are done against planned, test sets once the limb is recovering, and what the
// studies found (averages, never a promise). The numbers come from ../insight/plan.js.
import { html } from "./html.js";
import { exerciseName } from "../store.js";

/** "5 Jan 2026" (or "5 Jan" without the year) for a "YYYY-MM-DD" day. */
export function dateText(day, withYear = true) {
  const [y, m, d] = day.split("-").map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(undefined, {
    day: "numeric",
    month: "short",
    year: withYear ? "numeric" : undefined,
  });
}

/** The Log screen opened on an exercise and side. */
export const logLink = (exercise, side) =>
  `#/log?${new URLSearchParams({ exercise, side }).toString()}`;

const range = (lo, hi) => (lo === hi ? `${lo}` : `${lo}–${hi}`);

function blockText(p, a) {
  if (p.week === 0) return `The plan starts on ${dateText(p.start)}: nothing is due yet.`;
  const done = `${a.done} of ${a.planned} planned sessions`;
  if (p.week > p.weeks) return `${done}; the ${p.weeks}-week block ended on ${dateText(p.end)}.`;
  return `${done}, week ${p.week} of ${p.weeks}`;
}

function Adherence({ plan: p, adherence: a }) {
  const pct = a.percent_x10 === null ? null : Math.floor(a.percent_x10 / 10);
  return html`<div class="adherence" data-testid="adherence" data-done=${a.done}
    data-planned=${a.planned} data-week=${p.week}>
    <h3>Adherence</h3>
    <p class="figure">${blockText(p, a)}</p>
    <p class="hint">
      ${pct === null ? "No session is due yet." : `${pct} % of the sessions due so far.`}
      ${" "}${a.planned_total} sessions in the whole block.
    </p>
    ${
      a.weeks.length > 0 &&
      html`<ol class="weeks" aria-label="Sessions per week">
        ${a.weeks.map(
          (w) => html`<li>
            Week ${w.week}, from ${dateText(w.start, false)}: ${w.done} of ${w.planned}
          </li>`,
        )}
      </ol>`
    }
  </div>`;
}

const TEST_STATE = {
  due: () => "Due today",
  overdue: (t) => `Overdue since ${dateText(t.due)}`,
  scheduled: (t) => `Next on ${dateText(t.due)}`,
};

function TestSets({ tests, involved }) {
  return html`<div class="tests">
    <h3>Test sets for your ${involved}</h3>
    <ul class="plain-list">
      ${tests.map(
        (t) => html`<li class=${`test ${t.state}`} data-testid="test-set"
          data-exercise=${t.exercise} data-state=${t.state} data-due=${t.due}>
          <strong>${exerciseName(t.exercise)}</strong>
          <span>${TEST_STATE[t.state](t)}</span>
          <span class="sub">
            ${t.last ? `Last set on this side: ${dateText(t.last)}` : "No set on this side yet"}
          </span>
          <a class="go" href=${logLink(t.exercise, t.side)} data-testid="log-test-set">
            Log a test set: ${exerciseName(t.exercise)}, ${t.side}
          </a>
        </li>`,
      )}
    </ul>
  </div>`;
}

function Explanation({ explanation, kind }) {
  return html`<section class="explanation" data-testid="plan-explanation"
    aria-labelledby=${`expect-${kind}`}>
    <h3 id=${`expect-${kind}`}>What to expect</h3>
    ${explanation.paragraphs.map((text) => html`<p>${text}</p>`)}
    <details>
      <summary>Sources</summary>
      <ul class="plain-list sources">
        ${explanation.sources.map(
          (s) => html`<li><strong>${s.cite}</strong>: ${s.finding}
            <span class="sub">${s.reference}</span></li>`,
        )}
      </ul>
    </details>
  </section>`;
}

/** `item` is {plan, adherence, tests, explanation} of one involved body part. */
export function PlanCard({ item, catalogue }) {
  const { plan: p, adherence: a, tests, explanation } = item;
  const involved = `${p.involved_side} ${p.kind}`;
  const trained = `${p.trained_side} ${p.kind}`;
  const rx = p.prescription;
  const movement = (id) => catalogue.find((e) => e.id === id)?.movement;
  const title = `plan-${p.kind}`;
  return html`<section class="card plan" data-testid="plan" data-kind=${p.kind}
    aria-labelledby=${title}>
    <h2 id=${title}>Train your${" "}
      <span data-testid="plan-trained-side" data-side=${p.trained_side}>${trained}</span>
    </h2>
    <p>Your ${involved} has been ${p.status} since ${dateText(p.start)}. Training your
      ${" "}${trained} can keep and build strength in it through the nervous system
      (cross-education).</p>
    <dl class="facts">
      <div><dt>Sessions</dt><dd>${p.sessions_per_week} a week for ${p.weeks} weeks</dd></div>
      <div><dt>Each exercise</dt>
        <dd>${range(rx.sets_min, rx.sets_max)} sets × ${range(rx.reps_min, rx.reps_max)} reps</dd>
      </div>
      <div><dt>Effort</dt>
        <dd>${rx.effort}, RPE ${range(rx.rpe_x10_min / 10, rx.rpe_x10_max / 10)}</dd></div>
      <div><dt>Lowering (eccentric)</dt>
        <dd>${range(rx.eccentric_ms_min / 1000, rx.eccentric_ms_max / 1000)} s, slowly</dd></div>
    </dl>
    <h3>Exercises for your ${trained}</h3>
    <ul class="plain-list plan-exercises">
      ${p.exercises.map(
        (id) => html`<li data-exercise=${id}><strong>${exerciseName(id)}</strong>
          ${movement(id) && html`<span class="sub">${movement(id)}</span>`}</li>`,
      )}
    </ul>
    <p class="hint small">
      ${p.from_history ? "The ones you log most." : `Suggestions: no ${p.kind} exercise yet.`}
      ${" "}The strength carries over mostly to the movements you train, so pick the ones your
      ${" "}${involved} will need back.
    </p>
    <a class="go primary" href=${logLink(p.exercises[0], p.trained_side)} data-testid="log-trained">
      Log a set for the ${trained}
    </a>
    <${Adherence} plan=${p} adherence=${a} />
    ${tests.length > 0 && html`<${TestSets} tests=${tests} involved=${involved} />`}
    <${Explanation} explanation=${explanation} kind=${p.kind} />
  </section>`;
}
