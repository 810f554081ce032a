// Sync status: what waits to upload, when the last sync was, whether we are online, and the
// changes the server refused with its reason.
import { html } from "./html.js";
import { exerciseName, forgetRejected, syncNow } from "../store.js";
import { ago } from "../units.js";

const REASONS = {
  invalid_value: "a value is outside what the field allows",
  unknown_field: "this app version sent a field the server does not know",
  unknown_exercise: "the exercise is not in the catalogue",
  foreign_record: "the record belongs to another account",
  op_id_conflict: "the change id was already used for other content",
};

/** One line for the header chip and the status screen. */
export function syncSummary(state) {
  const { sync, pending, online, authExpired } = state;
  const waiting = pending > 0 ? ` · ${pending} to upload` : "";
  if (authExpired) return `Sign in to upload${waiting}`;
  if (!online || sync.state === "offline") return `Offline${waiting}`;
  if (sync.state === "syncing") return `Syncing…${waiting}`;
  if (sync.state === "error") return `Sync failed${waiting}`;
  return pending > 0 ? `${pending} to upload` : "All synced";
}

/** The header chip: the same facts, short enough for a phone. */
export function chipText(state) {
  const { sync, pending, online, authExpired } = state;
  const waiting = pending > 0 ? ` · ${pending}` : "";
  if (authExpired) return `Sign in${waiting}`;
  if (!online) return pending > 0 ? `${pending} waiting` : "";
  if (sync.state === "syncing") return `Syncing${waiting}`;
  if (sync.state === "error" || sync.state === "offline") return `Retrying${waiting}`;
  return pending > 0 ? `${pending} waiting` : "Synced";
}

/** "idle" | "syncing" | "offline" | "error" | "paused": for the chip's colour and for tests. */
export function syncState(state) {
  if (state.authExpired) return "paused";
  if (!state.online) return "offline";
  return state.sync.state;
}

const explain = (reason) =>
  REASONS[reason] ?? (reason.startsWith("invalid_value") ? REASONS.invalid_value : null);

/** "Set reps = 5000", "Set exercise = Single-leg press", "exercise delete". */
function describe(op) {
  const shown = op.field === "exercise" ? exerciseName(op.value) : JSON.stringify(op.value);
  const what =
    op.field === "_deleted" ? (op.value ? "delete" : "restore") : `${op.field} = ${shown}`;
  return `${op.record_type === "set" ? "Set" : op.record_type} ${what}`;
}

export function StatusScreen({ state }) {
  const { pending, meta, sync, rejected } = state;
  const last = meta.last_sync;
  return html`<h1>Sync</h1>
    <dl class="facts" data-testid="sync-facts">
      <div><dt>Connection</dt><dd data-testid="connection">
        ${
          state.online
            ? "Online"
            : html`<span class="badge offline" data-testid="offline-badge">Offline</span>`
        }
      </dd></div>
      <div><dt>Waiting to upload</dt><dd data-testid="pending-count">${pending}</dd></div>
      <div><dt>Last synced</dt><dd data-testid="last-synced" data-ms=${last ?? ""}>
        ${last ? ago(last) : "Never"}
      </dd></div>
      <div><dt>Status</dt><dd data-testid="sync-state" data-state=${syncState(state)}>
        ${syncSummary(state)}
        ${sync.state === "error" && html`<span class="sub">${sync.error}</span>`}
        ${
          sync.retryAt &&
          sync.state !== "idle" &&
          html`<span class="sub">Retrying ${new Date(sync.retryAt).toLocaleTimeString()}</span>`
        }
      </dd></div>
    </dl>
    <button type="button" class="primary big" data-testid="sync-now" onClick=${syncNow}
      disabled=${!state.online || state.authExpired}>Sync now</button>
    <section aria-labelledby="rejected-title">
      <h2 id="rejected-title">Refused changes (${rejected.length})</h2>
      ${
        rejected.length === 0
          ? html`<p class="hint">None. Every change the server has seen was accepted.</p>`
          : html`<p class="hint">The server refused these changes; they stay only on this device.</p>
          <ul class="rejected" data-testid="rejected-list">
            ${rejected.map(
              ({ op, reason }) => html`<li data-testid="rejected-op" data-reason=${reason}>
                <span class="main">${describe(op)}</span>
                <span class="sub">Reason: ${reason}</span>
                ${explain(reason) && html`<span class="sub">${explain(reason)}</span>`}
                <button type="button" onClick=${() => forgetRejected(op.op_id)}>Dismiss</button>
              </li>`,
            )}
          </ul>`
      }
    </section>
    <p class="hint small">Device id: ${meta.node ?? "not registered yet"}</p>`;
}
