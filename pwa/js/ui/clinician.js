// The clinician's screens: share codes to hand out, the patients who granted access (those
// needing attention first; a table on wide screens, cards on a phone) and one patient's
// read-only view. Everything is fetched afresh on each visit and kept only in memory, so a
// revoked grant leaves nothing on this device after the next refresh.
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { Plot, e1rmPlot, lsiPlot, volumePlot } from "./plots.js";
import {
  ApiError,
  NetworkError,
  clinicianPatient,
  clinicianPatients,
  createShareCode,
} from "../api.js";
import { SORTS, adherenceOf, change, pct, ratio, sortPatients } from "../clinic/format.js";
import { HqFigures } from "./hq.js";
import { exerciseName } from "../store.js";
import { dateTimeLabel, formatSet, friendlyDates, sideName } from "../units.js";

let lastSort = "attention";
const KINDS = { lsi: "LSI", volume: "volume asymmetry", baseline: "of pre-injury best" };

function problemText(error) {
  if (error instanceof NetworkError) return "No connection. The clinician views need the network.";
  if (error instanceof ApiError && error.code === "no_grant") {
    return "This patient has not granted you access (or has revoked it).";
  }
  return error?.message ?? "Something went wrong.";
}

/** Load `fetcher()` on mount and whenever `key` changes; [data, error, reload]. */
export function useFresh(fetcher, key) {
  const [state, setState] = useState({ data: null, error: null });
  const load = () =>
    fetcher().then(
      (data) => setState({ data, error: null }),
      (error) => setState({ data: null, error }),
    );
  useEffect(() => {
    setState({ data: null, error: null });
    load();
  }, [key]);
  return [state.data, state.error, load];
}

function NewCode() {
  const [name, setName] = useState("");
  const [code, setCode] = useState(null);
  const [error, setError] = useState(null);
  const make = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      setCode(await createShareCode(name.trim() || null));
    } catch (failure) {
      setError(problemText(failure));
    }
  };
  return html`<section aria-labelledby="code-title">
    <h2 id="code-title">Invite a patient</h2>
    <form onSubmit=${make} class="code-form">
      <div class="field">
        <label for="clinician-name">Your name as patients see it (optional)</label>
        <input id="clinician-name" type="text" maxlength="80" value=${name}
          data-testid="clinician-name" autocomplete="name" onInput=${(e) => setName(e.target.value)} />
      </div>
      <button type="submit" class="primary" data-testid="create-code">Create share code</button>
    </form>
    ${error && html`<p class="error" role="alert">${error}</p>`}
    ${
      code &&
      html`<p class="share-code" role="status">
        <span>Give the patient this code:</span>
        <strong data-testid="share-code">${code.code}</strong>
        <span class="hint small">Single use; expires ${dateTimeLabel(code.expires_at_ms)}. The
          patient enters it in Settings → Share with a clinician.</span>
      </p>`
    }
  </section>`;
}

// htm drops whitespace that spans lines, so the words of a cell are one string each.
const lsiCell = (e) =>
  html`<span class=${e.latest_x10 < 900 ? "low" : ""}>${
    `${exerciseName(e.exercise)} ${pct(e.latest_x10)}`
  }</span>`;

function Trend({ exercise }) {
  const words = `7 d ${change(exercise.change_7_x10)} · 28 d ${change(exercise.change_28_x10)}`;
  return html`<span class="trend">${words}</span>`;
}

function PatientRow({ patient }) {
  const s = patient.summary;
  return html`<tr data-testid="patient-row" data-patient=${patient.email}>
    <th scope="row"><a href=${`#/clinician/${patient.patient_id}`}>${patient.email}</a>
      ${s.reasons.length > 0 && html`<div class="sub">${s.reasons.join(" · ")}</div>`}</th>
    <td data-testid="patient-lsi" data-label="Latest LSI">${
      s.exercises.length
        ? s.exercises.map((e) => html`<div>${lsiCell(e)} <${Trend} exercise=${e} /></div>`)
        : "–"
    }</td>
    <td data-label="Plan adherence">${pct(adherenceOf(s))}</td>
    <td data-testid="patient-alerts" data-label="Open alerts">${
      s.alerts.length
        ? s.alerts.map(
            (a) => html`<div class="low">${
              `${sideName(a.side)} ${exerciseName(a.exercise)}: ` +
              `${KINDS[a.kind] ?? a.kind} ${pct(a.value_x10)}`
            }</div>`,
          )
        : "none"
    }</td>
    <td data-label="H:Q">${`L ${ratio(s.hq_left_x1000)} · R ${ratio(s.hq_right_x1000)}`}</td>
  </tr>`;
}

function PatientList({ patients, onRefresh }) {
  const [sort, setSort] = useState(lastSort);
  const choose = (value) => {
    lastSort = value;
    setSort(value);
  };
  const refresh = html`<button type="button" class="secondary" data-testid="patients-refresh"
    onClick=${onRefresh}>Refresh</button>`;
  if (patients.length === 0) {
    return html`<p class="hint" data-testid="no-patients">No patient has granted you access yet.
      Create a share code below and give it to them.</p>${refresh}`;
  }
  return html`<div class="list-tools">
      <div class="field">
        <label for="patient-sort">Sort</label>
        <select id="patient-sort" value=${sort} data-testid="patient-sort"
          onChange=${(e) => choose(e.target.value)}>
          ${Object.entries(SORTS).map(([k, label]) => html`<option value=${k}>${label}</option>`)}
        </select>
      </div>
      ${refresh}
    </div>
    <div class="table-wrap">
      <table class="patients" data-testid="patients">
        <caption class="sr-only">Patients who granted you access</caption>
        <thead><tr>
          <th scope="col">Patient</th><th scope="col">Latest LSI, change vs previous window</th>
          <th scope="col">Plan adherence</th><th scope="col">Open alerts</th>
          <th scope="col">H:Q</th>
        </tr></thead>
        <tbody>${sortPatients(patients, sort).map(
          (p) => html`<${PatientRow} key=${p.patient_id} patient=${p} />`,
        )}</tbody>
      </table>
    </div>`;
}

function Dashboard() {
  const [data, error, reload] = useFresh(clinicianPatients, "list");
  return html`<h1>Clinician</h1>
    <p class="hint small">Patients who granted you read access. Each time you open a patient,
      or this list, the patient sees it in their log.</p>
    <section aria-labelledby="patients-title">
      <h2 id="patients-title">Patients</h2>
      ${error && html`<p class="error" role="alert">${problemText(error)}</p>`}
      ${!error && !data && html`<p class="hint" data-loading>Loading…</p>`}
      ${data && html`<${PatientList} patients=${data.patients} onRefresh=${reload} />`}
    </section>
    <${NewCode} />`;
}

export function AdherenceList({ adherence }) {
  if (adherence.length === 0) return html`<p class="hint">No cross-education plan running.</p>`;
  return html`<ul class="plain-list">${adherence.map(
    (a) => html`<li>${
      `${sideName(a.trained_side)} ${a.kind} for the injured ${a.involved_side} ${a.kind}: ` +
      `${a.done} of ${a.planned} planned sessions so far (${pct(a.percent_x10)})`
    }</li>`,
  )}</ul>`;
}

export function AlertList({ alerts }) {
  if (alerts.length === 0) return html`<p class="hint">No open alerts.</p>`;
  return html`<ul class="plain-list" data-testid="detail-alerts">${alerts.map(
    (a) => html`<li><strong>${sideName(a.side)} · ${exerciseName(a.exercise)}</strong>
      <div class="sub">${friendlyDates(a.message)}</div></li>`,
  )}</ul>`;
}

function SetList({ sets, units }) {
  return html`<ol class="plain-list" data-testid="detail-sets">${sets.map(
    (s) => html`<li>${
      `${dateTimeLabel(s.performed_at_ms)} · ${exerciseName(s.exercise)} · ` +
      `${sideName(s.side)} · ${formatSet(s, units)}`
    }
      ${s.note && html`<div class="sub">“${s.note}”</div>`}
    </li>`,
  )}</ol>`;
}

function PatientDetail({ id, units }) {
  const [data, error] = useFresh(() => clinicianPatient(id), id);
  const back = html`<a href="#/clinician" class="go">← All patients</a>`;
  if (error) {
    return html`<h1>Patient</h1>${back}
      <p class="error" role="alert" data-testid="detail-error">${problemText(error)}</p>`;
  }
  if (!data) return html`<h1>Patient</h1>${back}<p class="hint" data-loading>Loading…</p>`;
  const s = data.summary;
  return html`<h1 data-testid="detail-title">${data.email}</h1>
    <div class="detail-links">
      ${back}
      <a href=${`#/report/${id}`} class="go" data-testid="open-report">Printable report</a>
    </div>
    <p class="hint small">Read-only. Shared: ${
      data.scope === "summary_sets" ? "summary and sets" : "summary"
    }. Days are counted in the patient's zone, ${data.time_zone}.</p>
    <div class="detail-summary">
      <section aria-labelledby="alerts-title"><h2 id="alerts-title">Open alerts</h2>
        <${AlertList} alerts=${s.alerts} /></section>
      <section aria-labelledby="adherence-title"><h2 id="adherence-title">Plan adherence</h2>
        <${AdherenceList} adherence=${s.adherence} /></section>
      <section aria-labelledby="hq-title"><h2 id="hq-title">Hamstring-to-quadriceps ratio</h2>
        <${HqFigures} hq=${data.hq} /></section>
    </div>
    <div class="detail-charts">
      ${data.charts.map(
        (c) => html`<section aria-labelledby=${`chart-${c.exercise}`} class="detail-chart">
          <h2 id=${`chart-${c.exercise}`}>${exerciseName(c.exercise)}</h2>
          <p class="hint small">${c.lsi_formula}. Latest LSI ${pct(c.lsi.at(-1)?.lsi_x10)}.</p>
          <h3>Estimated 1RM, left (solid) and right (dashed)</h3>
          <${Plot} testId=${`detail-e1rm-${c.exercise}`} make=${() => e1rmPlot(c, units)} />
          ${c.lsi.length > 0 && html`<h3>LSI per session, 90 % band shaded</h3>
            <${Plot} testId=${`detail-lsi-${c.exercise}`} make=${() => lsiPlot(c)} />`}
          ${c.volume.length > 0 && html`<h3>Weekly volume per side</h3>
            <${Plot} testId=${`detail-volume-${c.exercise}`}
              make=${(u) => volumePlot(c, units, u.paths.bars)} />`}
        </section>`,
      )}
    </div>
    ${
      data.sets &&
      html`<section aria-labelledby="sets-title"><h2 id="sets-title">Recent sets and notes</h2>
        <${SetList} sets=${data.sets} units=${units} /></section>`
    }`;
}

export function ClinicianScreen({ state, arg }) {
  return arg ? html`<${PatientDetail} id=${arg} units=${state.units} />` : html`<${Dashboard} />`;
}
