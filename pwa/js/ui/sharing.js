// Settings → Share with a clinician: enter a clinician's code (and see who will see what
// before granting), the grants with their scope and Revoke, "Who viewed my data", and the
// patient's own hamstring-to-quadriceps ratio. All of it needs the network.
import { useEffect, useRef, useState } from "preact/hooks";
import { html } from "./html.js";
import {
  ApiError,
  NetworkError,
  accessLog,
  changeGrantScope,
  grantAccess,
  myGrants,
  myHq,
  previewShareCode,
  revokeGrant,
} from "../api.js";
import { describeAccess, scopeWords } from "../clinic/format.js";
import { HqFigures } from "./hq.js";
import { dateTimeLabel } from "../units.js";

function explain(error) {
  if (error instanceof NetworkError) return "No connection. Sharing needs the network.";
  if (error instanceof ApiError && error.status === 429) {
    return "Too many codes tried. Wait a few minutes, then try again.";
  }
  const detail = error?.message ?? "Something went wrong";
  return detail.charAt(0).toUpperCase() + detail.slice(1) + ".";
}

/** Runs one request at a time: a second tap while one is in flight does nothing, so a double
 * tap cannot send a single-use code twice (and report the first use as an error). */
function useOneAtATime() {
  const running = useRef(false);
  const [busy, setBusy] = useState(false);
  const once = async (action) => {
    if (running.current) return;
    running.current = true;
    setBusy(true);
    try {
      await action();
    } finally {
      running.current = false;
      setBusy(false);
    }
  };
  return [busy, once];
}

function EnterCode({ onGranted }) {
  const [busy, once] = useOneAtATime();
  const [code, setCode] = useState("");
  const [preview, setPreview] = useState(null);
  const [scope, setScope] = useState("summary");
  const [error, setError] = useState(null);
  const check = async (event) => {
    event.preventDefault();
    setError(null);
    try {
      setPreview(await previewShareCode(code));
    } catch (failure) {
      setError(explain(failure));
    }
  };
  const grant = () =>
    once(async () => {
      setError(null);
      try {
        await grantAccess(code, scope);
        setPreview(null);
        setCode("");
        onGranted();
      } catch (failure) {
        setError(explain(failure));
      }
    });
  return html`<form onSubmit=${check}>
      <div class="field">
        <label for="share-code">Code from your clinician</label>
        <input id="share-code" type="text" autocomplete="off" autocapitalize="characters"
          spellcheck="false" placeholder="XXXX-XXXX-XXXX" value=${code}
          data-testid="share-code-input"
          onInput=${(e) => {
            setCode(e.target.value);
            setPreview(null);
          }} />
      </div>
      <button type="submit" class="secondary" disabled=${!code.trim()}
        data-testid="share-code-check">Check code</button>
    </form>
    ${error && html`<p class="error" role="alert" data-testid="share-error">${error}</p>`}
    ${
      preview &&
      html`<div class="card" data-testid="share-preview">
        <p><strong data-testid="share-who">${preview.clinician}</strong> will be able to read:</p>
        <fieldset>
          <legend>What to share</legend>
          ${preview.scopes.map(
            (s) => html`<label class="check">
              <input type="radio" name="share-scope" value=${s.scope} checked=${scope === s.scope}
                data-testid=${`share-scope-${s.scope}`} onChange=${() => setScope(s.scope)} />
              <span>${s.shows}</span>
            </label>`,
          )}
        </fieldset>
        <p class="hint small">Every time they look, it appears below under "Who viewed my
          data". You can revoke access at any time; it ends on their next request.</p>
        <button type="button" class="primary" data-testid="share-grant" onClick=${grant}
          aria-disabled=${busy ? "true" : "false"}>
          Share with ${preview.clinician}</button>
      </div>`
    }`;
}

function Grants({ grants, onChange }) {
  const [, once] = useOneAtATime();
  if (grants.length === 0) {
    return html`<p class="hint" data-testid="grants-empty">You share with no clinician.</p>`;
  }
  // Whatever the answer (a grant already revoked elsewhere is a 404), the list is read again.
  const act = (action) =>
    once(async () => {
      try {
        await action();
      } catch {
        // the refreshed list shows what holds
      } finally {
        onChange();
      }
    });
  return html`<ul class="plain-list" data-testid="grants">${grants.map(
    (g) => html`<li data-testid="grant">
      <strong>${g.clinician}</strong>
      <div class="sub">
        Sees your ${scopeWords(g.scope)} · since ${dateTimeLabel(g.created_at_ms)}
      </div>
      <div class="row">
        <button type="button" class="secondary" onClick=${() =>
          act(() =>
            changeGrantScope(g.id, g.scope === "summary" ? "summary_sets" : "summary"),
          )}>${g.scope === "summary" ? "Also share sets" : "Share summary only"}</button>
        <button type="button" class="danger" data-testid="grant-revoke"
          onClick=${() => act(() => revokeGrant(g.id))}>Revoke<span class="sr-only">${
            ` access of ${g.clinician}`
          }</span></button>
      </div>
    </li>`,
  )}</ul>`;
}

function AccessLog({ events }) {
  if (events.length === 0) {
    return html`<p class="hint" data-testid="access-log-empty">Nobody has viewed your data.</p>`;
  }
  return html`<ol class="security-log" data-testid="access-log">${events.map(
    (e) => html`<li data-kind=${e.kind}>
      <span><strong>${e.clinician}</strong>: ${describeAccess(e)}</span>
      <span class="sub"><time datetime=${new Date(e.at_ms).toISOString()}>${dateTimeLabel(
        e.at_ms,
      )}</time></span>
    </li>`,
  )}</ol>`;
}

export function SharingSection() {
  const [data, setData] = useState(null);
  const [failed, setFailed] = useState(false);
  const load = async () => {
    try {
      const [grants, log, hq] = await Promise.all([myGrants(), accessLog(), myHq()]);
      setData({ grants: grants.grants, events: log.events, hq });
      setFailed(false);
    } catch {
      setFailed(true);
    }
  };
  useEffect(() => {
    load();
  }, []);
  return html`<section aria-labelledby="sharing-title" data-testid="sharing">
    <h2 id="sharing-title">Share with a clinician</h2>
    <p class="hint small">Let a physiotherapist or doctor read your LSI, plan adherence, alerts
      and H:Q ratio (and, if you choose, your sets and notes). They can never change anything.</p>
    <${EnterCode} onGranted=${load} />
    ${failed && html`<p class="hint">Connect to see whom you share with.</p>`}
    ${
      data &&
      html`<h3>Shared with</h3>
      <${Grants} grants=${data.grants} onChange=${load} />
      <h3 id="access-log-title">Who viewed my data</h3>
      <button type="button" class="secondary" data-testid="access-log-refresh" onClick=${load}>
        Refresh</button>
      <${AccessLog} events=${data.events} />
      <h3>Your hamstring-to-quadriceps ratio</h3>
      <${HqFigures} hq=${data.hq} />`
    }
    <a href="#/clinician" class="go" data-testid="nav-clinician">Clinician dashboard</a>
    <p class="hint small">For clinicians: invite patients and see those who share with you.</p>
  </section>`;
}
