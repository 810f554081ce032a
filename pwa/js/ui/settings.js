// Settings: units for weights, the 1RM formula of the charts, links to Injury and Reminders,
// sharing with a clinician, and the account (password, signing out, recent security events).
import { html } from "./html.js";
import { AccountSection } from "./account.js";
import { IncrementSetting, ThemeSetting } from "./display-settings.js";
import { FORMULAS } from "../insight/strength.js";
import { setFormula, setUnits } from "../store.js";
import { SharingSection } from "./sharing.js";
import { YourData } from "./your-data.js";

const VERSION = /\/v\/([0-9a-f]+)\//.exec(import.meta.url)?.[1] ?? "development";

export function SettingsScreen({ state }) {
  return html`<h1>Settings</h1>
    <fieldset class="units">
      <legend>Weight units</legend>
      <div class="segmented">
        ${["kg", "lb"].map(
          (unit) => html`<label class="seg">
            <input type="radio" name="units" value=${unit} checked=${state.units === unit}
              data-testid=${`units-${unit}`} onChange=${() => setUnits(unit)} />
            <span>${unit === "kg" ? "Kilograms (kg)" : "Pounds (lb)"}</span>
          </label>`,
        )}
      </div>
    </fieldset>
    <${IncrementSetting} state=${state} />
    <${ThemeSetting} />
    <fieldset class="units">
      <legend>Estimated 1RM on the charts</legend>
      <div class="segmented">
        ${Object.entries(FORMULAS).map(
          ([formula, label]) => html`<label class="seg">
            <input type="radio" name="formula" value=${formula}
              checked=${state.formula === formula} data-testid=${`formula-${formula}`}
              onChange=${() => setFormula(formula)} />
            <span>${label}</span>
          </label>`,
        )}
      </div>
      <p class="hint small">Epley is the default. Both take the weight w and reps r of a set;
        estimates from more than 12 reps are marked as rough.</p>
    </fieldset>
    <section aria-labelledby="injury-title">
      <h2 id="injury-title">Injury</h2>
      <a href="#/injury" class="go" data-testid="nav-injury">Injury & cross-education</a>
      <p class="hint small">Mark a limb injured and Sidewise plans training for the opposite one.</p>
    </section>
    <section aria-labelledby="reminders-title">
      <h2 id="reminders-title">Reminders</h2>
      <a href="#/reminders" class="go" data-testid="nav-reminders">Training reminders</a>
      <p class="hint small">A notification on the days and at the time you train a limb.</p>
    </section>
    <${SharingSection} />
    <${YourData} state=${state} />
    <${AccountSection} state=${state} />
    <p class="hint small">App version ${VERSION}</p>`;
}
