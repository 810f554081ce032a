// Injury & cross-education (#/injury, from Settings): each limb's status, a form to mark one
// injured, recovering or healthy since a day, and for an involved limb the plan that trains
// the opposite one. Everything is computed on the device from the local log, offline too.
import { useMemo, useRef, useState } from "preact/hooks";
import { html } from "./html.js";
import { PlanCard, dateText } from "./injury-plan.js";
import { DEFAULT_SESSIONS_PER_WEEK, current, involvement } from "../insight/limbs.js";
import { adherence, explanation, plan, suggestedTestSets, usage } from "../insight/plan.js";
import { replica, setLimbStatus } from "../store.js";
import { dayKey } from "../units.js";

const LIMBS = [
  ["left_arm", "Left arm"],
  ["right_arm", "Right arm"],
  ["left_leg", "Left leg"],
  ["right_leg", "Right leg"],
];
const LIMB_NAME = Object.fromEntries(LIMBS);
const STATUSES = [
  ["injured", "Injured"],
  ["recovering", "Recovering"],
  ["healthy", "Healthy"],
];
const STATUS_NAME = Object.fromEntries(STATUSES);
const DAY = /^(\d{4})-\d{2}-\d{2}$/;

/** Limb statuses, the standing one per limb, and a plan per involved body part. */
function limbsAndPlans(catalogue, today) {
  const statuses = replica.ofType("limb_status").filter((r) => r.limb && r.status && r.since);
  const sets = replica.sets();
  const kinds = Object.fromEntries(
    [...catalogue, ...replica.customExercises()].filter((e) => e.limb).map((e) => [e.id, e.limb]),
  );
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const plans = [];
  for (const kind of ["arm", "leg"]) {
    const found = involvement(statuses, kind);
    if (!found) continue;
    const p = plan(found, usage(sets, kinds, kind), today);
    plans.push({
      plan: p,
      adherence: adherence(sets, p, today, zone),
      tests: suggestedTestSets(p, sets, today, zone),
      explanation: explanation(p),
    });
  }
  return { standing: current(statuses), plans };
}

function LimbList({ standing, onChange }) {
  return html`<ul class="plain-list limbs">
    ${LIMBS.map(([limb, name]) => {
      const record = standing.get(limb);
      const status = record?.status ?? "healthy";
      const spw = record?.sessions_per_week ?? DEFAULT_SESSIONS_PER_WEEK;
      return html`<li class=${`limb ${status}`} data-testid="limb-status" data-limb=${limb}
        data-status=${status}>
        <span><strong>${name}</strong>${" "}
          <span class="sub">
            ${STATUS_NAME[status]}${record && ` since ${dateText(record.since)}`}
            ${status !== "healthy" && ` · plan ${spw} a week`}
          </span>
        </span>
        <button type="button" class="secondary" onClick=${() => onChange(limb)}
          aria-label=${`Change ${name.toLowerCase()}`}>Change</button>
      </li>`;
    })}
  </ul>`;
}

/** Form values for `limb`: its standing record, else injured from today. */
function formFor(limb, standing, today) {
  const record = standing.get(limb);
  return {
    limb,
    status: record?.status ?? "injured",
    since: record?.since ?? today,
    sessions: String(record?.sessions_per_week ?? DEFAULT_SESSIONS_PER_WEEK),
  };
}

function LimbForm({ standing, today, initial, formRef }) {
  const [form, setForm] = useState(() => formFor(initial, standing, today));
  const [error, setError] = useState(null);
  const [saved, setSaved] = useState(null);
  const set = (patch) => {
    setForm({ ...form, ...patch });
    setSaved(null);
  };
  const save = async (event) => {
    event.preventDefault();
    const year = Number(DAY.exec(form.since)?.[1]);
    if (!(year >= 2000 && year <= 2100)) return setError("Enter the day it started.");
    if (form.since > dayKey(Date.now())) return setError("The day it started cannot be in the future.");
    setError(null);
    await setLimbStatus(form.limb, {
      status: form.status,
      since: form.since,
      sessions_per_week: Number(form.sessions),
    });
    const what = `${LIMB_NAME[form.limb].toLowerCase()} ${form.status}`;
    setSaved(`Saved: ${what} since ${dateText(form.since)}.`);
  };
  return html`<form class="card" ref=${formRef} onSubmit=${save} novalidate
    aria-labelledby="limb-form-title">
    <h2 id="limb-form-title">Mark a limb</h2>
    <div class="field">
      <label for="injury-limb">Limb</label>
      <select id="injury-limb" data-testid="injury-limb" value=${form.limb}
        onChange=${(e) => set(formFor(e.currentTarget.value, standing, today))}>
        ${LIMBS.map(([limb, name]) => html`<option value=${limb}>${name}</option>`)}
      </select>
    </div>
    <fieldset>
      <legend>Status</legend>
      <div class="segmented wide">
        ${STATUSES.map(
          ([status, name]) => html`<label class="seg">
            <input type="radio" name="injury-status" value=${status}
              checked=${form.status === status} data-testid=${`injury-status-${status}`}
              onChange=${() => set({ status })} />
            <span>${name}</span>
          </label>`,
        )}
      </div>
    </fieldset>
    <div class="field">
      <label for="injury-since">Since</label>
      <input id="injury-since" data-testid="injury-since" type="date" min="2000-01-01"
        max=${dayKey(Date.now())} value=${form.since} onInput=${(e) => set({ since: e.currentTarget.value })}
        aria-invalid=${error ? "true" : "false"}
        aria-describedby=${error ? "injury-since-error" : undefined} />
      ${error && html`<p class="error" id="injury-since-error">${error}</p>`}
    </div>
    <div class="field">
      <label for="injury-sessions">Sessions a week for the other limb</label>
      <select id="injury-sessions" data-testid="injury-sessions" value=${form.sessions}
        onChange=${(e) => set({ sessions: e.currentTarget.value })}>
        ${[1, 2, 3, 4, 5, 6, 7].map((n) => html`<option value=${n}>${n} a week</option>`)}
      </select>
      <p class="hint small">3 is usual: the consensus is at least 13 sessions in 4–6 weeks.</p>
    </div>
    <button type="submit" class="primary big" data-testid="injury-save">Save</button>
    <p class="saved" role="status" data-testid="injury-saved">${saved}</p>
  </form>`;
}

export function InjuryScreen({ state }) {
  const today = dayKey(Date.now());
  const { standing, plans } = useMemo(
    () => limbsAndPlans(state.catalogue, today),
    [state.revision, state.catalogue, today],
  );
  // The form opens on the involved limb; "Change" on a limb reopens it on that one.
  const [formLimb, setFormLimb] = useState(() => {
    const first = plans[0]?.plan;
    return first ? `${first.involved_side}_${first.kind}` : "left_arm";
  });
  const [formKey, setFormKey] = useState(0);
  const formRef = useRef(null);
  const change = (limb) => {
    setFormLimb(limb);
    setFormKey((n) => n + 1);
    requestAnimationFrame(() => {
      formRef.current?.scrollIntoView({ block: "start" });
      document.getElementById("injury-limb")?.focus();
    });
  };
  return html`<h1>Injury & cross-education</h1>
    <p class="lead">Training one limb can make the opposite one stronger too. Mark an injured
      limb and Sidewise plans training for the other one.</p>
    <section aria-labelledby="limbs-title">
      <h2 id="limbs-title">Your limbs</h2>
      <${LimbList} standing=${standing} onChange=${change} />
    </section>
    ${
      plans.length === 0
        ? html`<p class="hint" data-testid="no-plan">All limbs are healthy: there is no plan to
            follow. Mark a limb injured below to get one.</p>`
        : plans.map((item) => html`<${PlanCard} item=${item} catalogue=${state.catalogue} />`)
    }
    <${LimbForm} key=${formKey} standing=${standing} today=${today} initial=${formLimb}
      formRef=${formRef} />`;
}
