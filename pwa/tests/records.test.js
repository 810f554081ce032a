// The replica's sets, patched after each small change, always equal the list rebuilt from
// scratch: same sets, same order, deleted and half-arrived sets left out.
import assert from "node:assert/strict";
import { test } from "node:test";

import { Replica } from "../js/records.js";
import { DELETED } from "../js/sync/merge.js";
import { prng } from "./support.js";

const id = (n) => `018d0000-0000-7000-8000-${String(n).padStart(12, "0")}`;
const hlc = (n) => `${String(n).padStart(13, "0")}0000000000000001`;

test("sets patched change by change equal sets rebuilt", () => {
  const r = prng(13);
  const patched = new Replica();
  const rows = [];
  let clock = 1;
  for (let round = 0; round < 300; round++) {
    // One save, edit, delete or restore at a time; now and then a pull of many records.
    const batch = [];
    const size = r.int(0, 9) === 0 ? r.int(65, 90) : r.int(1, 3);
    for (let i = 0; i < size; i++) {
      const record = id(r.int(1, 120));
      const [field, value] = r.pick([
        ["performed_at", 1_700_000_000_000 + r.int(0, 40) * 60_000],
        ["exercise", r.pick(["a", "b"])],
        ["side", r.pick(["left", "right"])],
        ["reps", r.int(1, 12)],
        [DELETED, r.pick([true, false])],
      ]);
      batch.push({ record_type: "set", record_id: record, field, value, hlc: hlc(clock++) });
    }
    rows.push(...batch);
    patched.apply(batch);
    if (r.int(0, 2) > 0) {
      const fresh = new Replica();
      fresh.load(rows);
      assert.deepEqual(patched.sets(), fresh.sets(), `round ${round}`);
    }
  }
  assert.ok(patched.sets().length > 20);
});
