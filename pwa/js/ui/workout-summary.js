// What a finished workout did: sets and volume per side of each exercise, and new bests.
import { useMemo } from "preact/hooks";
import { html } from "./html.js";
import { exerciseName, replica } from "../store.js";
import { workoutSummary } from "../training/session.js";
import { formatE1rm, formatVolume, sideName } from "../units.js";

export function WorkoutSummary({ state, workout }) {
  const { units } = state;
  const rows = useMemo(
    () => workoutSummary(workout, replica.sets(), state.formula),
    [state.revision, workout, state.formula],
  );
  const minutes = Math.max(1, Math.round((workout.finished_at - workout.started_at) / 60_000));
  const bests = rows.flatMap((r) =>
    ["left", "right", "both"].filter((s) => r[s].new_best).map((s) => [r.exercise, s, r[s]]),
  );
  // Lines break between the count and the volume, never inside either.
  const sideCell = (part) => {
    if (part.sets === 0) return "—";
    const count = `${part.sets} ${part.sets === 1 ? "set" : "sets"}`;
    const volume = formatVolume(part.volume, units);
    return html`<span class="qty">${count}</span> · <span class="qty">${volume}</span>`;
  };
  return html`<h1>Workout done</h1>
    <p class="lead" data-testid="summary-duration">${workout.name ?? "Workout"} · ${minutes} min</p>
    <table class="done-table" data-testid="workout-summary">
      <caption class="sr-only">Sets and volume load per side</caption>
      <thead><tr><th scope="col">Exercise</th><th scope="col" class="side-left">Left</th>
        <th scope="col" class="side-right">Right</th></tr></thead>
      <tbody>
        ${rows.map(
          (r) => html`<tr data-testid="summary-row" data-exercise=${r.exercise}
              data-left-sets=${r.left.sets} data-right-sets=${r.right.sets}
              data-left-volume=${r.left.volume} data-right-volume=${r.right.volume}>
            <th scope="row">${exerciseName(r.exercise)}</th>
            <td>${sideCell(r.left)}</td><td>${sideCell(r.right)}</td>
          </tr>`,
        )}
      </tbody>
    </table>
    <h2>New bests</h2>
    ${
      bests.length === 0
        ? html`<p class="hint" data-testid="no-bests">No new best estimated 1RM this time.</p>`
        : html`<ul class="plain-list" data-testid="new-bests">
          ${bests.map(
            ([exercise, side, part]) => html`<li data-testid="new-best" data-exercise=${exercise}
                data-side=${side}>
              <strong>${exerciseName(exercise)}</strong> · ${sideName(side)}: e1RM
              ${formatE1rm(part.best_e1rm_g, units)}
            </li>`,
          )}
        </ul>`
    }
    <a href="#/workout" class="go primary" data-testid="summary-done">Done</a>`;
}
