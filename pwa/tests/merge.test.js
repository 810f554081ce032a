// Merge properties every replica depends on: order and batching independence, idempotent
// retries, a deterministic tie-break, and the existence rule for deleted records.
import assert from "node:assert/strict";
import { test } from "node:test";

import { InvalidValue, canon } from "../js/sync/canon.js";
import { encode } from "../js/sync/hlc.js";
import { DELETED, mergeAll, mergeInto, recordExists, stateRows, wins } from "../js/sync/merge.js";
import { prng, vectors } from "./support.js";

const H1 = "2025-11-21T04:40:00.000Z-0000-0123456789abcdef";
const H2 = "2025-11-21T04:40:00.000Z-0001-0123456789abcdef";
const rows = (ops) => JSON.stringify(stateRows(mergeAll(ops)));
const vectorStreams = vectors.merge_streams.map((s) => s.ops);

/** Ops on few keys with few distinct HLCs, so equal stamps and value ties are common. */
function randomStream(rng) {
  const records = ["r1", "r2"];
  const fields = ["note", "reps", DELETED];
  const values = ["", "a", "A", "é", "\ue000", "\uffff", "😀", "𝄞", 0, 1, -1, true, false, null];
  const ops = Array.from({ length: rng.int(1, 30) }, () => ({
    record_id: rng.pick(records),
    field: rng.pick(fields),
    hlc: encode({
      wallMs: 1_763_700_000_000 + rng.int(0, 2),
      counter: rng.int(0, 1),
      node: rng.pick(["0".repeat(16), "f".repeat(16)]),
    }),
    value: rng.pick(values),
  }));
  return ops;
}

test("a later HLC wins whatever the values; an equal HLC falls to the larger canon bytes", () => {
  assert.ok(wins(H2, null, H1, "zzz") && !wins(H1, "zzz", H2, null));
  assert.ok(wins(H1, "😀", H1, "\ue000")); // code-unit order would pick U+E000
  assert.ok(!wins(H1, "\ue000", H1, "😀"));
  // Canon bytes order strings ('"') < negative ints ('-') < other ints < false < null < true.
  assert.ok(wins(H1, '"', H1, "") && wins(H1, 1, H1, "a") && wins(H1, 1, H1, -5));
  assert.ok(wins(H1, null, H1, false) && wins(H1, true, H1, null));
  assert.ok(!wins(H1, "a", H1, "a")); // an exact retry changes nothing
});

test("mergeInto reports whether the state changed", () => {
  const state = new Map();
  assert.equal(mergeInto(state, "r", "note", H1, "a"), true);
  assert.equal(mergeInto(state, "r", "note", H1, "a"), false);
  assert.equal(mergeInto(state, "r", "note", H1, "A"), false); // "A" < "a"
  assert.equal(mergeInto(state, "r", "note", H2, "A"), true);
  assert.deepEqual(stateRows(state), [["r", "note", H2, '"A"']]);
});

test("mergeAll refuses an invalid value", () => {
  assert.throws(() => mergeAll([{ record_id: "r", field: "w", hlc: H1, value: 1.5 }]), InvalidValue);
});

test("a record exists once it has a field, until _deleted is true", () => {
  const fields = (entries) => new Map(entries.map(([f, v]) => [f, { hlc: H1, value: v }]));
  assert.equal(recordExists(undefined), false);
  assert.equal(recordExists(new Map()), false);
  assert.equal(recordExists(fields([["reps", 8]])), true);
  assert.equal(recordExists(fields([["reps", 8], [DELETED, true]])), false);
  assert.equal(recordExists(fields([[DELETED, true]])), false);
  assert.equal(recordExists(fields([[DELETED, false]])), true); // restored
  assert.equal(recordExists(fields([[DELETED, 1]])), true); // only true deletes
});

test("property: every permutation and batching of a stream gives the same state", () => {
  const rng = prng(6);
  const streams = [...vectorStreams, ...Array.from({ length: 300 }, () => randomStream(rng))];
  for (const ops of streams) {
    const want = rows(ops);
    for (let k = 0; k < 4; k++) {
      const shuffled = rng.shuffle(ops);
      assert.equal(rows(shuffled), want);
      const state = new Map(); // replayed in batches into one replica, as pulls arrive
      for (let i = 0; i < shuffled.length; ) {
        const batch = mergeAll(shuffled.slice(i, (i += rng.int(1, 5))));
        for (const [rid, fields] of batch) {
          for (const [f, fv] of fields) mergeInto(state, rid, f, fv.hlc, fv.value);
        }
      }
      assert.equal(JSON.stringify(stateRows(state)), want);
    }
  }
});

test("property: re-applying ops already merged changes nothing", () => {
  const rng = prng(7);
  const streams = [...vectorStreams, ...Array.from({ length: 300 }, () => randomStream(rng))];
  for (const ops of streams) {
    const state = mergeAll(ops);
    const before = JSON.stringify(stateRows(state));
    for (const op of rng.shuffle([...ops, ...ops])) {
      assert.equal(mergeInto(state, op.record_id, op.field, op.hlc, op.value), false);
    }
    assert.equal(JSON.stringify(stateRows(state)), before);
  }
});

test("property: each key holds the op with the largest (hlc, canon) in UTF-8 bytes", () => {
  // An independent oracle: a consistent but wrong order (e.g. UTF-16 code units) would still
  // pass the permutation property above, so check the winner itself.
  const rng = prng(9);
  const utf8 = new TextEncoder();
  const key = (op) => Buffer.concat([utf8.encode(op.hlc), utf8.encode(canon(op.value))]);
  for (let i = 0; i < 2000; i++) {
    const ops = randomStream(rng);
    const best = new Map();
    for (const op of ops) {
      const k = `${op.record_id}\u0000${op.field}`;
      if (!best.has(k) || Buffer.compare(key(op), key(best.get(k))) > 0) best.set(k, op);
    }
    const want = [...best.values()].map((op) => [op.record_id, op.field, op.hlc, canon(op.value)]);
    const sorted = stateRows(mergeAll(ops));
    const asSet = (rows) => new Set(rows.map((r) => JSON.stringify(r)));
    assert.deepEqual(asSet(sorted), asSet(want));
  }
});
