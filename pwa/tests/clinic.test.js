// The clinician views' arithmetic: signed LSI changes, sorting patients, the trend picture.
import assert from "node:assert/strict";
import { test } from "node:test";
import { change, describeAccess, pct, ratio, sortPatients } from "../js/clinic/format.js";
import { trendGeometry } from "../js/clinic/trend.js";

const patient = (email, attention, lsi, adherence) => ({
  email,
  summary: {
    attention,
    exercises: lsi == null ? [] : [{ latest_x10: lsi }],
    adherence: adherence == null ? [] : [{ percent_x10: adherence }],
  },
});

test("numbers read as the server means them", () => {
  assert.equal(pct(874), "87.4 %");
  assert.equal(pct(null), "–");
  assert.equal(ratio(583), "0.58");
  assert.equal(change(-45), "−4.5");
  assert.equal(change(12), "+1.2");
  assert.equal(change(0), "±0.0");
  assert.equal(change(null), "–");
  assert.equal(describeAccess({ kind: "granted", detail: "summary_sets" }),
    "Access granted (summary and sets)");
});

test("patients sort by attention, LSI, adherence or name; unknowns last", () => {
  const rows = [
    patient("b@x", 10, 950, null),
    patient("a@x", 1200, 800, 500),
    patient("c@x", 10, null, 900),
  ];
  const emails = (by) => sortPatients(rows, by).map((p) => p.email);
  assert.deepEqual(emails("attention"), ["a@x", "b@x", "c@x"]);
  assert.deepEqual(emails("lsi"), ["a@x", "b@x", "c@x"]);
  assert.deepEqual(emails("adherence"), ["a@x", "c@x", "b@x"]);
  assert.deepEqual(emails("name"), ["a@x", "b@x", "c@x"]);
});

test("the trend picture spans the sessions and marks the 90 % line", () => {
  const charts = [
    {
      exercise: "a",
      lsi: [
        { day: "2026-01-01", lsi_x10: 800 },
        { day: "2026-01-11", lsi_x10: 950 },
      ],
    },
    { exercise: "b", lsi: [] },
  ];
  const g = trendGeometry(charts);
  assert.equal(g.lines.length, 1);
  const [first, last] = g.lines[0].points.map((p) => p.split(",").map(Number));
  assert.equal(first[0], g.pad.left);
  assert.equal(last[0], g.width - g.pad.right);
  assert.ok(first[1] > last[1], "a higher LSI is drawn higher");
  assert.ok(g.band > last[1] && g.band < first[1]);
  assert.equal(trendGeometry([{ exercise: "a", lsi: [] }]), null);
});
