// The frame around every screen: sync chip, banners (new version, session ended, imbalance
// alerts), the toast with Undo, and the tab bar.
import { Component } from "preact";
import { useEffect, useState } from "preact/hooks";
import { html, useRoute, useStore } from "./html.js";
import { AlertBanner } from "./alerts.js";
import { AuthScreen, Splash } from "./auth.js";
import { ChartsScreen } from "./charts.js";
import { ClinicianScreen } from "./clinician.js";
import { ReportScreen } from "./report.js";
import { HistoryScreen } from "./history.js";
import { ImportScreen } from "./import.js";
import { InjuryScreen } from "./injury.js";
import { LogScreen } from "./log.js";
import { RemindersScreen } from "./reminders.js";
import { RestTimer } from "./rest-timer.js";
import { RoutinesScreen } from "./routines.js";
import { WorkoutScreen } from "./workout.js";
import { SettingsScreen } from "./settings.js";
import { StatusScreen, chipText, syncState, syncSummary } from "./status.js";
import { dismissToast, restoreSet } from "../store.js";
import { applyUpdate } from "../updates.js";

// Sync is reached from the header's chip.
const TABS = [
  ["log", "Log"],
  ["workout", "Workout"],
  ["history", "History"],
  ["charts", "Charts"],
  ["settings", "Settings"],
];
const SCREENS = {
  log: LogScreen,
  workout: WorkoutScreen,
  routines: RoutinesScreen, // reached from Workout, not a tab
  history: HistoryScreen,
  charts: ChartsScreen,
  sync: StatusScreen,
  settings: SettingsScreen,
  injury: InjuryScreen, // reached from Settings, not a tab
  reminders: RemindersScreen, // reached from Settings, not a tab
  import: ImportScreen, // reached from Settings → Your data, not a tab
  clinician: ClinicianScreen, // reached from Settings, not a tab
  report: ReportScreen, // a patient's printable report, from the clinician's patient view
};
const PARENT = {
  routines: "workout",
  injury: "settings",
  reminders: "settings",
  clinician: "settings",
  report: "settings",
};
// What Log and Workout show of the app state. A sync's progress (chip, count, status) changes
// none of it, so those screens skip the renders it causes: the sync a save starts does not
// compete with showing the save.
const meta = (s) => [s.meta.increment_kg, s.meta.increment_lb, JSON.stringify(s.meta.rest)];
const SHOWS = {
  log: (s) => [s.revision, s.units, s.catalogue, ...meta(s)],
  workout: (s) => [s.revision, s.units, s.catalogue, s.formula, ...meta(s)],
};

class Screen extends Component {
  shouldComponentUpdate(next) {
    const shows = SHOWS[next.route];
    if (!shows || next.route !== this.props.route || next.arg !== this.props.arg) return true;
    const before = shows(this.props.state);
    return shows(next.state).some((value, i) => value !== before[i]);
  }
  render({ route, state, arg }) {
    const Shown = SCREENS[route];
    return html`<${Shown} state=${state} arg=${arg} />`;
  }
}
const TOAST_MS = 8000;

function Toast({ toast }) {
  useEffect(() => {
    const timer = setTimeout(dismissToast, TOAST_MS);
    return () => clearTimeout(timer);
  }, [toast]);
  const undo = () => {
    dismissToast();
    restoreSet(toast.undo);
  };
  return html`<div class="toast" role="status" data-testid="toast">
    <span>${toast.text}</span>
    ${toast.undo && html`<button type="button" data-testid="undo" onClick=${undo}>Undo</button>`}
    <button type="button" aria-label="Dismiss message" onClick=${dismissToast}>✕</button>
  </div>`;
}

export function App() {
  const state = useStore();
  const [route, arg] = useRoute();
  const [reauthOpen, setReauthOpen] = useState(false);
  // Tests and the boot screen read this: loading | auth | app.
  useEffect(() => {
    document.documentElement.dataset.app = state.screen;
    performance.mark(`sidewise:${state.screen}`);
  }, [state.screen]);
  useEffect(() => window.scrollTo(0, 0), [route]);

  if (state.screen === "loading") return html`<${Splash} />`;
  if (state.screen === "auth") return html`<${AuthScreen} />`;
  if (reauthOpen && state.authExpired) {
    return html`<${AuthScreen} reauth=${{ email: state.account.email, pending: state.pending }}
      onCancel=${() => setReauthOpen(false)} />`;
  }
  const status = syncState(state);
  return html`<header class="top">
      <span class="brand">Sidewise</span>
      <a href="#/sync" class=${`chip ${status}`} data-testid="sync-chip" data-state=${status}
        data-pending=${state.pending} aria-label=${`Sync status: ${syncSummary(state)}`}>
        ${!state.online && html`<span class="badge offline" data-testid="offline-chip">Offline</span>`}
        ${chipText(state) && html`<span>${chipText(state)}</span>`}
      </a>
    </header>
    ${
      state.updateReady &&
      html`<div class="banner" role="status" data-testid="update-banner">
      <span>Update available</span>
      <button type="button" class="primary" data-testid="update-reload" onClick=${applyUpdate}>
        Reload
      </button>
    </div>`
    }
    ${
      state.authExpired &&
      html`<div class="banner warn" role="status" data-testid="reauth-banner">
      <span>Your session ended. Sets are kept on this device; sign in to upload them.</span>
      <button type="button" class="primary" data-testid="reauth"
        onClick=${() => setReauthOpen(true)}>Sign in again</button>
    </div>`
    }
    ${route !== "charts" && html`<${AlertBanner} state=${state} />`}
    <main id="main" data-testid=${`screen-${route}`}>
      <${Screen} route=${route} state=${state} arg=${arg} />
    </main>
    ${state.toast && html`<${Toast} toast=${state.toast} />`}
    <${RestTimer} />
    <nav class="tabs" aria-label="Screens">
      ${TABS.map(
        ([name, label]) => html`<a href=${`#/${name}`} data-testid=${`nav-${name}`}
          aria-current=${route === name || PARENT[route] === name ? "page" : undefined}>${label}</a>`,
      )}
    </nav>`;
}
