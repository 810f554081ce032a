// Settings of this device's display: the theme, and the loadable weight step per unit.
import { useState } from "preact/hooks";
import { html } from "./html.js";
import { setIncrement } from "../store.js";
import { THEMES, applyTheme, savedTheme } from "../theme.js";
import { INCREMENTS, incrementOf } from "../units.js";

export function ThemeSetting() {
  const [theme, setTheme] = useState(savedTheme);
  const choose = (name) => {
    applyTheme(name);
    setTheme(name);
  };
  return html`<fieldset class="units">
    <legend>Theme</legend>
    <div class="segmented">
      ${THEMES.map(
        ([name, label]) => html`<label class="seg">
          <input type="radio" name="theme" value=${name} checked=${theme === name}
            data-testid=${`theme-${name}`} onChange=${() => choose(name)} />
          <span>${label}</span>
        </label>`,
      )}
    </div>
  </fieldset>`;
}

export function IncrementSetting({ state }) {
  const unit = state.units;
  const current = incrementOf(state.meta, unit);
  return html`<fieldset class="units">
    <legend>Smallest weight step (${unit})</legend>
    <div class="segmented steps">
      ${INCREMENTS[unit].map(
        (step) => html`<label class="seg">
          <input type="radio" name="increment" value=${step} checked=${current === step}
            data-testid=${`increment-${step}`} onChange=${() => setIncrement(unit, step)} />
          <span>${step}</span>
        </label>`,
      )}
    </div>
    <p class="hint small">Prefilled weights round to it and − / + step by it, so every weight is
      one the bar can be loaded to.</p>
  </fieldset>`;
}
