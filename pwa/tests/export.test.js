// The offline export writes what the server's stream writes: the same columns, exact kg and
// seconds with trailing zeros dropped, RPE in tenths, CSV quoting of notes.
import assert from "node:assert/strict";
import { test } from "node:test";

import { documentJson, setsCsv } from "../js/export-local.js";
import { Replica } from "../js/records.js";

process.env.TZ = "UTC";

const SET = {
  id: "018d0000-0000-7000-8000-000000000001",
  exercise: "single-leg-press",
  side: "left",
  reps: 8,
  weight_g: 22500,
  rpe_x10: 85,
  eccentric_ms: 3000,
  performed_at: Date.UTC(2024, 0, 7, 17, 15, 0),
  note: 'said "go, go"',
  warmup: true,
};

test("a set as the server's CSV row", () => {
  const [header, row, end] = setsCsv([SET], () => "Single-leg press", "UTC").split("\r\n");
  assert.equal(
    header,
    "date,time,utc_offset,time_zone,exercise,exercise_id,side,reps,weight_kg,weight_lb,rpe," +
      "eccentric_s,warmup,note,set_id",
  );
  assert.equal(
    row,
    '2024-01-07,17:15:00,+00:00,UTC,Single-leg press,single-leg-press,left,8,22.5,49.60,8.5,3,' +
      'yes,"said ""go, go""",018d0000-0000-7000-8000-000000000001',
  );
  assert.equal(end, "");
});

test("the JSON document holds every existing record without its delete flag", () => {
  const replica = new Replica();
  const hlc = "2024-01-07T17:15:00.000Z-0000-00000000000000aa";
  const row = (record_id, field, value) => ({ record_type: "set", record_id, field, value, hlc });
  replica.load([
    row(SET.id, "reps", 8),
    row(SET.id, "_deleted", false),
    row("018d0000-0000-7000-8000-000000000002", "reps", 5),
    row("018d0000-0000-7000-8000-000000000002", "_deleted", true),
  ]);
  const doc = JSON.parse(documentJson(replica, "UTC", 1));
  assert.equal(doc.format, "sidewise");
  assert.deepEqual(doc.records, [{ type: "set", id: SET.id, fields: { reps: 8 } }]);
});
