// Replays tests/fixtures/charts.json (written by tests/domain/chart_cases.py from the Python
// domain): the JavaScript chart series and involved limb must equal Python's, field for field.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { isDeepStrictEqual } from "node:util";

import { involvement } from "../js/insight/limbs.js";
import { chart } from "../js/insight/series.js";
import { noMismatches } from "./support.js";

const cases = JSON.parse(
  readFileSync(new URL("../../tests/fixtures/charts.json", import.meta.url), "utf8"),
);
const asSet = (row) => Object.fromEntries(cases.set_fields.map((field, i) => [field, row[i]]));

function differences(got, want, path = "") {
  if (isDeepStrictEqual(got, want)) return [];
  if (Array.isArray(want) && Array.isArray(got) && got.length === want.length) {
    return want.flatMap((item, i) => differences(got[i], item, `${path}[${i}]`));
  }
  return [`${path}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`];
}

test("the cases file covers what the rules turn on", () => {
  assert.equal(cases.schema, 1);
  const zones = new Set(cases.charts.map((c) => c.zone));
  for (const zone of ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"])
    assert.ok(zones.has(zone), zone);
  assert.ok(cases.charts.some((c) => c.formula === "brzycki" && c.expect.baseline));
  assert.ok(cases.charts.some((c) => c.start && c.end));
});

test(`${cases.charts.length} chart cases give Python's series exactly`, () => {
  const mismatches = [];
  for (const c of cases.charts) {
    const got = chart(c.sets.map(asSet), c.exercise, {
      zone: c.zone,
      formula: c.formula,
      injured: c.injured,
      injuredSince: c.injured_since,
      start: c.start,
      end: c.end,
    });
    for (const key of Object.keys(c.expect))
      mismatches.push(...differences(got[key], c.expect[key], `${c.name}.${key}`));
    assert.deepEqual(Object.keys(got).sort(), Object.keys(c.expect).sort());
  }
  noMismatches(assert, mismatches);
});

test(`${cases.involvement.length} limb-status cases give Python's involved limb`, () => {
  const mismatches = [];
  cases.involvement.forEach(({ statuses, kind, expect }, n) => {
    mismatches.push(...differences(involvement(statuses, kind), expect, `case ${n} (${kind})`));
  });
  noMismatches(assert, mismatches);
});
