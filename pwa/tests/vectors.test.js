// Replays every shared vector in sync/vectors.json: the JavaScript twin of sync/ must give
// byte-identical clocks, canonical texts and merged state to the Python reference.
import assert from "node:assert/strict";
import { test } from "node:test";

import { InvalidValue, canon, parseScalarJson } from "../js/sync/canon.js";
import {
  ClockDriftError,
  CounterOverflowError,
  HlcError,
  MAX_COUNTER,
  MAX_DRIFT_MS,
  encode,
  parse,
  receive,
  send,
} from "../js/sync/hlc.js";
import { isUuid7, uuid7Ms } from "../js/sync/ids.js";
import { mergeAll, recordExists, stateRows } from "../js/sync/merge.js";
import { noMismatches, vectors } from "./support.js";

const ERRORS = { clock_drift: ClockDriftError, counter_overflow: CounterOverflowError };
const steps = vectors.hlc_scripts.reduce((n, s) => n + s.steps.length, 0);
const ops = vectors.merge_streams.reduce((n, s) => n + s.ops.length, 0);

test("the vectors file speaks this schema and these limits", () => {
  assert.equal(vectors.schema, 1);
  assert.equal(vectors.max_counter, MAX_COUNTER);
  assert.equal(vectors.max_drift_ms, MAX_DRIFT_MS);
  assert.ok(vectors.hlc_scripts.length > 0 && vectors.canon.length > 0);
  assert.ok(vectors.merge_streams.length > 0);
});

test(`${vectors.hlc_scripts.length} HLC scripts (${steps} steps) replay byte for byte`, () => {
  const mismatches = [];
  vectors.hlc_scripts.forEach((script, n) => {
    let clock = parse(script.start);
    if (encode(clock) !== script.start) mismatches.push(`script ${n}: start does not round-trip`);
    script.steps.forEach((step, k) => {
      const before = encode(clock);
      let got;
      try {
        if (step.kind === "send") {
          clock = send(clock, step.now);
        } else {
          const msg = parse(step.msg);
          assert.equal(encode(msg), step.msg);
          clock = receive(clock, msg, step.now, vectors.max_drift_ms);
        }
        got = encode(clock);
      } catch (err) {
        if (!(err instanceof HlcError)) throw err;
        if (!(err instanceof (ERRORS[err.code] ?? Error))) got = { wrongClass: err.name };
        else if (encode(clock) !== before) got = { changedAfter: err.code };
        else got = { error: err.code };
      }
      const want = script.expect[k];
      if (JSON.stringify(got) !== JSON.stringify(want)) {
        mismatches.push(`script ${n} step ${k} ${JSON.stringify(step)}: ` +
          `got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      }
    });
  });
  noMismatches(assert, mismatches);
});

test(`${vectors.canon.length} canon entries replay byte for byte`, () => {
  const mismatches = [];
  vectors.canon.forEach((entry, n) => {
    let got;
    try {
      got = { canon: canon(parseScalarJson(entry.json)) };
    } catch (err) {
      if (!(err instanceof InvalidValue)) throw err;
      got = { error: err.reason };
    }
    const want = "canon" in entry ? { canon: entry.canon } : { error: entry.error };
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      mismatches.push(`entry ${n} ${entry.json}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
    }
  });
  noMismatches(assert, mismatches);
});

test(`${vectors.merge_streams.length} merge streams (${ops} ops) reach the same state`, () => {
  const mismatches = [];
  vectors.merge_streams.forEach((stream, n) => {
    const state = mergeAll(stream.ops);
    const rows = JSON.stringify(stateRows(state));
    if (rows !== JSON.stringify(stream.state)) {
      mismatches.push(`stream ${n}: state\n  got  ${rows}\n  want ${JSON.stringify(stream.state)}`);
    }
    const exists = Object.fromEntries(
      [...state.keys()].sort().map((id) => [id, recordExists(state.get(id))]),
    );
    if (JSON.stringify(exists) !== JSON.stringify(stream.exists)) {
      mismatches.push(`stream ${n}: exists got ${JSON.stringify(exists)}, ` +
        `want ${JSON.stringify(stream.exists)}`);
    }
  });
  noMismatches(assert, mismatches);
});

test("every op id and record id in the merge streams is a UUIDv7 of the right time", () => {
  const mismatches = [];
  for (const op of vectors.merge_streams.flatMap((s) => s.ops)) {
    if (!isUuid7(op.record_id)) mismatches.push(`record id ${op.record_id}`);
    if (!isUuid7(op.op_id) || uuid7Ms(op.op_id) !== parse(op.hlc).wallMs) {
      mismatches.push(`op id ${op.op_id} for ${op.hlc}`);
    }
  }
  noMismatches(assert, mismatches);
});
