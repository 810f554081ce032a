// Replays tests/fixtures/plans.json (written by tests/domain/plan_cases.py from the Python
// domain): the JavaScript cross-education plan, adherence, test sets and explanation must equal
// Python's, field for field and word for word.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { isDeepStrictEqual } from "node:util";

import { involvement } from "../js/insight/limbs.js";
import {
  SOURCES,
  adherence,
  explanation,
  plan,
  suggestedTestSets,
  usage,
} from "../js/insight/plan.js";
import { noMismatches } from "./support.js";

const cases = JSON.parse(
  readFileSync(new URL("../../tests/fixtures/plans.json", import.meta.url), "utf8"),
);
const asSet = (row) => Object.fromEntries(cases.set_fields.map((field, i) => [field, row[i]]));

/** What the Injury screen computes for one body part, as the fixture's `expect` holds it. */
function compute(c, kind) {
  const found = involvement(c.statuses, kind);
  if (!found) return null;
  const sets = c.sets.map(asSet);
  const counts = usage(sets, { ...cases.catalogue_kinds, ...c.custom_kinds }, kind);
  const p = plan(found, counts, c.today);
  return {
    involvement: found,
    usage: counts,
    plan: p,
    adherence: adherence(sets, p, c.today, c.zone),
    test_sets: suggestedTestSets(p, sets, c.today, c.zone),
    paragraphs: explanation(p).paragraphs,
  };
}

function differences(got, want, path) {
  if (isDeepStrictEqual(got, want)) return [];
  if (want && got && typeof want === "object" && typeof got === "object") {
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    return [...keys].flatMap((key) => differences(got[key], want[key], `${path}.${key}`));
  }
  return [`${path}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`];
}

test("the cases file covers what the rules turn on", () => {
  assert.equal(cases.schema, 1);
  const results = cases.cases.flatMap((c) => Object.values(c.expect).filter(Boolean));
  const states = new Set(results.flatMap((r) => r.test_sets.map((t) => t.state)));
  assert.deepEqual([...states].sort(), ["due", "overdue", "scheduled"]);
  assert.ok(results.some((r) => !r.plan.from_history));
  assert.ok(results.some((r) => r.adherence.percent_x10 === null));
  assert.ok(results.some((r) => r.plan.week > r.plan.weeks));
  assert.ok(cases.cases.some((c) => !c.expect.arm && !c.expect.leg));
  assert.ok(cases.cases.some((c) => c.statuses.some((s) => s.sessions_per_week === null)));
});

test(`${cases.cases.length} histories give Python's plans exactly`, () => {
  const mismatches = [];
  for (const c of cases.cases) {
    for (const kind of Object.keys(c.expect)) {
      mismatches.push(...differences(compute(c, kind), c.expect[kind], `${c.name}.${kind}`));
    }
  }
  noMismatches(assert, mismatches);
});

test("the sources are Python's, and shared by every explanation", () => {
  assert.deepEqual(SOURCES, cases.sources);
  const found = involvement(cases.cases[0].statuses, "arm");
  assert.equal(explanation(plan(found, {}, cases.cases[0].today)).sources, SOURCES);
});
