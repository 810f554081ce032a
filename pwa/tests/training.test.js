// Workouts, loadable weights and the input rules of the gym floor.
import assert from "node:assert/strict";
import test from "node:test";
import { takenName } from "../js/names.js";
import { planFields, planOf, withRows } from "../js/training/plans.js";
import { previousPairs, workoutRows, workoutSummary } from "../js/training/session.js";
import { friendlyDates, loadableInput, parseField, stepWeight } from "../js/units.js";

const dayKey = (ms) => new Date(ms).toISOString().slice(0, 10);
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 11, 1, 10);
let n = 0;
const set = (exercise, side, reps, kg, at, workout) => ({
  id: `s${String(++n).padStart(3, "0")}`,
  exercise,
  side,
  reps,
  weight_g: kg * 1000,
  performed_at: at,
  workout,
});
const newestFirst = (sets) => [...sets].sort((a, b) => b.performed_at - a.performed_at);

test("0 reps is refused; a negative eccentric is told the range", () => {
  assert.match(parseField("reps", "0", "kg").error, /from 1 to 1000/);
  assert.equal(parseField("reps", "1", "kg").value, 1);
  assert.equal(parseField("eccentric", "-3", "kg").error, "Eccentric time is 0 to 60 seconds.");
});

test("weights prefill and step to what a bar can be loaded to", () => {
  assert.equal(loadableInput(80_000, "lb", 5), "175"); // 176.4 lb
  assert.equal(loadableInput(80_000, "lb", 2.5), "177.5");
  assert.equal(loadableInput(61_000, "kg", 2.5), "60");
  assert.equal(stepWeight(176.4, 1, 5), 180);
  assert.equal(stepWeight(176.4, -1, 5), 175);
  assert.equal(stepWeight(175, 1, 5), 180);
  assert.equal(stepWeight(60, -1, 1.25), 58.75);
  assert.equal(stepWeight(0, -1, 2.5), 0);
});

test("alert messages speak the app's dates", () => {
  assert.equal(
    friendlyDates("87.4 % on 2026-12-05, window 2026-11-07/2026-12-05"),
    "87.4 % on Sat 5 Dec, window Sat 7 Nov/Sat 5 Dec",
  );
});

test("exercise names are unique ignoring case and accents", () => {
  const catalogue = [{ id: "single-leg-press", name: "Single-leg press" }];
  const customs = [{ id: "x", name: "Nordic curl" }];
  assert.equal(takenName("single-LEG press", catalogue, customs)?.id, "single-leg-press");
  assert.equal(takenName(" NORDÍC CURL ", catalogue, customs)?.id, "x");
  assert.equal(takenName("Nordic curls", catalogue, customs), null);
});

test("plans round-trip through their compact fields", () => {
  const items = [
    { exercise: "a", rows: 3 },
    { exercise: "b", rows: 4 },
  ];
  assert.deepEqual(planFields(items), { exercises: "a,b", rows: "3,4" });
  assert.deepEqual(planOf(planFields(items)), items);
  assert.deepEqual(planOf({ exercises: "a" }), [{ exercise: "a", rows: 3 }]);
  assert.deepEqual(withRows(items, "a", 0, 1)[0].rows, 1);
});

test("a workout's rows show and prefill last session's pairs, and hold this workout's sets", () => {
  const last = T0 - 2 * DAY;
  const older = [
    set("press", "left", 8, 60, last),
    set("press", "right", 8, 50, last + 1),
    set("press", "left", 7, 60, last + 2),
    set("press", "right", 6, 50, last + 3),
    set("press", "left", 5, 40, last - 5 * DAY), // an older session: not "last time"
  ];
  const workout = { id: "w1", exercises: "press", rows: "3", started_at: T0 };
  const done = set("press", "left", 8, 62.5, T0 + 60_000, "w1");
  const sets = newestFirst([...older, done]);
  assert.equal(previousPairs(sets, "press", T0, "w1", dayKey).length, 2);
  const [block] = workoutRows(workout, sets, dayKey);
  assert.equal(block.rows.length, 3);
  assert.equal(block.rows[0].left, done);
  assert.equal(block.rows[0].right, null);
  assert.equal(block.rows[0].previous.right.weight_g, 50_000);
  assert.equal(block.rows[1].prefill.left.reps, 7);
  assert.equal(block.rows[1].prefill.right.reps, 6);
  // A third row, beyond last time's two: this workout's row before, else last time's last.
  assert.equal(block.rows[2].prefill.right.reps, 6);
  assert.equal(block.rows[2].previous.left, null);
});

test("the summary counts sets and volume per side and finds new bests", () => {
  const workout = { id: "w2", exercises: "press", rows: "2", started_at: T0 };
  const sets = newestFirst([
    set("press", "left", 8, 60, T0 - DAY),
    set("press", "right", 8, 50, T0 - DAY),
    set("press", "left", 8, 65, T0 + 1, "w2"),
    set("press", "right", 8, 50, T0 + 2, "w2"),
    set("press", "left", 6, 60, T0 + 3, "w2"),
  ]);
  const [row] = workoutSummary(workout, sets);
  assert.equal(row.left.sets, 2);
  assert.equal(row.right.sets, 1);
  assert.equal(row.left.volume, 8 * 65_000 + 6 * 60_000);
  assert.equal(row.left.new_best, true);
  assert.equal(row.right.new_best, false); // equal to last time is no new best
});
