// Workout (#/workout): start one (empty, from a routine, or from today's cross-education
// plan), log its left/right pairs with one tap per side, add or remove rows and exercises,
// finish with a summary (#/workout/<id>).
import { Component } from "preact";
import { useMemo, useState } from "preact/hooks";
import { html } from "./html.js";
import { ExerciseBlock } from "./workout-rows.js";
import { ExerciseSearch } from "./exercise-search.js";
import { WorkoutSummary } from "./workout-summary.js";
import { exerciseName, getState, replica } from "../store.js";
import { changeWorkout, discardWorkout, finishWorkout, startWorkout } from "../training/actions.js";
import { planOf, withExercise, withRows, withoutExercise } from "../training/plans.js";
import { todaysPlan } from "../training/today.js";
import { restLength, stopRest } from "../training/rest.js";
import { activeWorkout, workoutRows } from "../training/session.js";
import { dayKey, incrementOf } from "../units.js";

function StartWorkout({ state }) {
  const routines = useMemo(
    () => replica.ofType("routine").filter((r) => r.name).sort((a, b) => a.name.localeCompare(b.name)),
    [state.revision],
  );
  const plan = useMemo(() => todaysPlan(state.catalogue), [state.revision, state.catalogue]);
  const go = (fields) => startWorkout(fields);
  return html`<h1>Workout</h1>
    <button type="button" class="primary big" data-testid="start-empty" onClick=${() => go({})}>
      Start an empty workout
    </button>
    ${
      plan &&
      html`<section class="card" aria-labelledby="plan-start-title">
        <h2 id="plan-start-title">Today's cross-education plan</h2>
        <p class="hint small">${plan.name}: ${plan.items.map((i) => exerciseName(i.exercise)).join(", ")}</p>
        <button type="button" class="secondary big" data-testid="start-plan"
          onClick=${() => go({ name: plan.name, items: plan.items, side: plan.side })}>
          Start the plan
        </button>
      </section>`
    }
    <section aria-labelledby="routines-title">
      <h2 id="routines-title">Routines</h2>
      ${routines.length === 0 && html`<p class="hint">No routines yet: a routine is a list of exercises you start a workout from.</p>`}
      <ul class="plain-list routines">
        ${routines.map(
          (r) => html`<li data-testid="routine" data-routine-id=${r.id}>
            <span><strong>${r.name}</strong>
              <span class="sub">${planOf(r).map((i) => `${exerciseName(i.exercise)} ×${i.rows}`).join(", ")}</span></span>
            <button type="button" class="primary" data-testid="start-routine"
              onClick=${() => go({ name: r.name, routine: r.id, items: planOf(r) })}>
              Start<span class="sr-only"> ${r.name}</span>
            </button>
          </li>`,
        )}
      </ul>
      <a href="#/routines" class="go" data-testid="nav-routines">Edit routines</a>
    </section>`;
}

/** What a block shows: a tick re-renders only the block it changed. */
const signature = (block, ctx) =>
  `${ctx.units} ${ctx.step} ${ctx.sides} ` +
  block.rows
    .map((r) => [r.left, r.right, r.prefill.left, r.prefill.right, r.previous.left, r.previous.right]
      .map((s) => (s ? `${s.id}:${s.reps}:${s.weight_g}` : "")).join("|"))
    .join(",");

class Block extends Component {
  shouldComponentUpdate(next) {
    return next.signature !== this.props.signature;
  }
  render({ ctx, block, workoutId }) {
    // Read at tap time: a block that did not re-render must not edit an old copy of the plan.
    const items = () => planOf(replica.record(workoutId));
    return html`<${ExerciseBlock} ctx=${ctx} block=${block}
      onRows=${(rows) => changeWorkout(workoutId, withRows(items(), block.exercise, rows))}
      onRemove=${() => changeWorkout(workoutId, withoutExercise(items(), block.exercise))} />`;
  }
}

function ActiveWorkout({ state, workout }) {
  const { units } = state;
  const [adding, setAdding] = useState(false);
  const items = planOf(workout);
  const blocks = useMemo(
    () => workoutRows(workout, replica.sets(), dayKey),
    [state.revision, workout],
  );
  const ctx = {
    units,
    step: incrementOf(state.meta, units),
    workout,
    sides: workout.side ? [workout.side] : ["left", "right"],
    rest: (exercise) => restLength(getState().meta, exercise),
  };
  const finish = async () => {
    stopRest();
    await finishWorkout(workout.id);
    location.hash = `#/workout/${workout.id}`;
  };
  return html`<h1>${workout.name ?? "Workout"}</h1>
    ${blocks.length === 0 && html`<p class="hint">Add the exercises you do.</p>`}
    ${blocks.map(
      (block) => html`<${Block} key=${block.exercise} ctx=${ctx} block=${block}
        workoutId=${workout.id} signature=${signature(block, ctx)} />`,
    )}
    ${
      adding
        ? html`<section class="card" aria-label="Add an exercise">
          <${ExerciseSearch} catalogue=${state.catalogue} revision=${state.revision}
            exclude=${items.map((i) => i.exercise)}
            onPick=${(id) => {
              setAdding(false);
              changeWorkout(workout.id, withExercise(items, id));
            }} />
          <button type="button" onClick=${() => setAdding(false)}>Cancel</button>
        </section>`
        : html`<button type="button" class="secondary big" data-testid="add-exercise-to-workout"
          onClick=${() => setAdding(true)}>+ Add an exercise</button>`
    }
    <button type="button" class="primary big" data-testid="finish-workout" onClick=${finish}>
      Finish workout
    </button>
    <button type="button" class="danger big" data-testid="discard-workout"
      onClick=${() => discardWorkout(workout.id)}>Discard workout</button>`;
}

export function WorkoutScreen({ state, arg }) {
  const workouts = useMemo(() => replica.ofType("workout"), [state.revision]);
  const shown = arg && workouts.find((w) => w.id === arg);
  if (shown && shown.finished_at != null) {
    return html`<${WorkoutSummary} state=${state} workout=${shown} />`;
  }
  const active = activeWorkout(workouts);
  return active
    ? html`<${ActiveWorkout} state=${state} workout=${active} />`
    : html`<${StartWorkout} state=${state} />`;
}
