// Settings → Your data: import another logger's export (or a Sidewise JSON), export sets as
// CSV and everything as JSON (from this device's copy when offline), delete the account.
import { useState } from "preact/hooks";
import { html } from "./html.js";
import { ApiError } from "../api.js";
import { documentJson, download, setsCsv } from "../export-local.js";
import { pickImport } from "../imports.js";
import { exerciseName, forgetAccount, replica } from "../store.js";
import { deleteAccount } from "../transfer.js";

const zone = () => Intl.DateTimeFormat().resolvedOptions().timeZone ?? "UTC";
const today = () => new Date().toISOString().slice(0, 10);

function exportLocal(kind) {
  if (kind === "csv") {
    download(setsCsv(replica.sets(), exerciseName, zone()), `sidewise-sets-${today()}.csv`, "text/csv");
  } else {
    const text = documentJson(replica, zone(), Date.now());
    download(text, `sidewise-data-${today()}.json`, "application/json");
  }
}

function DeleteAccount() {
  const [password, setPassword] = useState("");
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const erase = async (event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await deleteAccount(password);
      await forgetAccount();
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.code === "bad_password"
          ? "That password is not right; nothing was deleted."
          : "The server cannot be reached. Deleting needs a connection.",
      );
      setBusy(false);
    }
  };
  return html`<details>
    <summary data-testid="delete-open">Delete my account…</summary>
    <form onSubmit=${erase}>
      <p class="hint small">Erases your account and every set, exercise, reminder and alert on
        the server, then this device's copy. Export first if you want to keep them.</p>
      <div class="field">
        <label for="delete-password">Your password</label>
        <input id="delete-password" type="password" autocomplete="current-password" required
          value=${password} data-testid="delete-password"
          onInput=${(e) => setPassword(e.target.value)} />
      </div>
      <button type="submit" class="danger big" disabled=${busy || !password}
        data-testid="delete-account">Delete account for good</button>
      ${error && html`<p class="error" role="alert" data-testid="delete-error">${error}</p>`}
    </form>
  </details>`;
}

export function YourData({ state }) {
  const [unit, setUnit] = useState(state.units);
  const choose = (event) => {
    const file = event.target.files?.[0];
    if (!file) return;
    pickImport(file, unit);
    location.hash = "#/import";
  };
  return html`<section aria-labelledby="your-data-title" data-testid="your-data">
    <h2 id="your-data-title">Your data</h2>
    <h3>Import</h3>
    <p class="hint small">A CSV export from Strong, Hevy or FitNotes, or a Sidewise JSON export.
      You see what would be imported and choose the sides before anything is saved.</p>
    <fieldset class="units">
      <legend>Weights in files that do not say (Strong)</legend>
      <div class="segmented">
        ${["kg", "lb"].map(
          (u) => html`<label class="seg">
            <input type="radio" name="import-unit" value=${u} checked=${unit === u}
              data-testid=${`import-unit-${u}`} onChange=${() => setUnit(u)} />
            <span>${u}</span>
          </label>`,
        )}
      </div>
    </fieldset>
    <label class="file-pick">
      Choose a file to import…
      <input type="file" accept=".csv,.json,text/csv,application/json" class="sr-only"
        data-testid="import-file" disabled=${!state.online} onChange=${choose} />
    </label>
    ${!state.online && html`<p class="hint small">Importing needs a connection.</p>`}
    <h3>Export</h3>
    <p class="hint small">Sets as CSV (with the side of each), or everything as JSON that
      Sidewise imports back.${state.online ? "" : " Offline: from this device's copy."}</p>
    <div class="row">
      ${
        state.online
          ? html`<a class="go" href="/api/export/sets.csv" download data-testid="export-csv">
                Sets (CSV)</a>
              <a class="go" href="/api/export/records.json" download data-testid="export-json">
                Everything (JSON)</a>`
          : html`<button type="button" data-testid="export-csv" onClick=${() => exportLocal("csv")}>
                Sets (CSV)</button>
              <button type="button" data-testid="export-json" onClick=${() => exportLocal("json")}>
                Everything (JSON)</button>`
      }
    </div>
    <h3>Delete</h3>
    <${DeleteAccount} />
  </section>`;
}
