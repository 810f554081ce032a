// What the Charts screen and the alert banner pick from the replica: alerts to show, exercises
// to offer, ranges, body parts, the sets a chart reads; and chart colours that match base.css.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

import { bannerAlerts, exerciseAlerts } from "../js/insight/alerts.js";
import { chartExercises, chartSets, exerciseKind, rangeStart } from "../js/insight/exercises.js";
import * as palette from "../js/ui/palette.js";

const alert = (id, fields) => ({
  id,
  kind: "lsi",
  exercise: "single-leg-press",
  side: "right",
  message: "LSI = weaker ÷ stronger × 100: 84.0 % …",
  created_at: 1000,
  cleared_at: null,
  acknowledged: false,
  ...fields,
});

test("the banner shows standing, unacknowledged, whole alerts, newest first", () => {
  const alerts = [
    alert("old", { created_at: 1 }),
    alert("new", { created_at: 2 }),
    alert("seen", { acknowledged: true }),
    alert("cleared", { cleared_at: 5 }),
    alert("arriving", { message: undefined }), // its fields still on their way from a pull
  ];
  assert.deepEqual(
    bannerAlerts(alerts).map((a) => a.id),
    ["new", "old"],
  );
  const other = alert("curl", { exercise: "single-leg-curl", created_at: 3 });
  assert.deepEqual(
    exerciseAlerts([...alerts, other], "single-leg-press").map((a) => a.id),
    ["seen", "new", "old"],
  );
});

test("alerts raised together stand in one order whatever order they arrive in", () => {
  const together = [
    alert("press-volume", { kind: "volume" }),
    alert("curl-lsi", { exercise: "single-leg-curl" }),
    alert("press-baseline", { kind: "baseline" }),
    alert("press-lsi-left", { side: "left" }),
    alert("press-lsi-right"),
  ];
  const expected = [
    "curl-lsi",
    "press-lsi-left",
    "press-lsi-right",
    "press-baseline",
    "press-volume",
  ];
  for (const arrived of [together, [...together].reverse()]) {
    assert.deepEqual(bannerAlerts(arrived).map((a) => a.id), expected);
  }
});

test("exercises with per-side sets come first, each group most recent first", () => {
  const newestFirst = [
    { exercise: "press", side: "both" },
    { exercise: "curl", side: "left" },
    { exercise: "carry", side: "both" },
    { exercise: "row", side: "right" },
    { exercise: "press", side: "left" },
    { exercise: "curl", side: "right" },
  ];
  assert.deepEqual(chartExercises(newestFirst), ["curl", "row", "press", "carry"]);
  assert.deepEqual(chartExercises([]), []);
});

test("ranges end today and count today as their last day", () => {
  assert.equal(rangeStart("4w", "2026-03-29"), "2026-03-02");
  assert.equal(rangeStart("12w", "2026-03-29"), "2026-01-05");
  assert.equal(rangeStart("all", "2026-03-29"), null);
});

test("an exercise's body part comes from the catalogue, else its custom record", () => {
  const catalogue = [{ id: "single-leg-press", limb: "leg" }];
  const customs = [{ id: "019aa000-0000-7000-8000-000000000001", limb: "arm" }];
  assert.equal(exerciseKind("single-leg-press", catalogue, customs), "leg");
  assert.equal(exerciseKind(customs[0].id, catalogue, customs), "arm");
  assert.equal(exerciseKind("unknown", catalogue, customs), null);
});

test("a chart reads its exercise's whole sets, oldest first", () => {
  const newestFirst = [
    { id: "c", exercise: "press", side: "left", reps: 8, weight_g: 20_000 },
    { id: "b", exercise: "press", side: "right", reps: 8 }, // weight still arriving
    { id: "x", exercise: "curl", side: "left", reps: 8, weight_g: 10_000 },
    { id: "a", exercise: "press", side: "right", reps: 5, weight_g: 0 },
  ];
  assert.deepEqual(
    chartSets(newestFirst, "press").map((s) => s.id),
    ["a", "c"],
  );
});

test("chart colours are the app's side colours and palette", () => {
  const css = readFileSync(new URL("../base.css", import.meta.url), "utf8");
  const variable = (name) => new RegExp(`--${name}:\\s*(#[0-9a-f]{6});`).exec(css)[1];
  assert.equal(palette.SIDE_COLOURS.left, variable("left"));
  assert.equal(palette.SIDE_COLOURS.right, variable("right"));
  assert.equal(palette.PAGE, variable("bg"));
  assert.equal(palette.TEXT, variable("muted"));
  assert.equal(palette.LSI_LINE, variable("text"));
  assert.equal(palette.LOW, variable("danger"));
});
