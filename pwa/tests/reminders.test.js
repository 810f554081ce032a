// The reminder record's meaning on the device: the weekday bitmask (bit 0 = Monday, as
// backend/domain/schedule.py reads it), the words the list shows, the exercises a limb offers,
// and which records are whole enough to list.
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  DAYS,
  completeReminders,
  describeDays,
  exerciseIds,
  exercisesFor,
  hasDay,
  toggleDay,
  zoneChoices,
} from "../js/reminders.js";

test("bit 0 is Monday and bit 6 is Sunday", () => {
  assert.equal(DAYS[0][2], "Monday");
  assert.equal(DAYS[6][2], "Sunday");
  assert.equal(toggleDay(0, 0), 1);
  assert.equal(toggleDay(0, 6), 64);
  assert.equal(toggleDay(0b0010101, 2), 0b0010001);
  assert.deepEqual(
    DAYS.map((_, i) => hasDay(0b1000001, i)),
    [true, false, false, false, false, false, true],
  );
});

test("days read as people say them", () => {
  assert.equal(describeDays(0b1111111), "Every day");
  assert.equal(describeDays(0b0011111), "Weekdays");
  assert.equal(describeDays(0b1100000), "Weekends");
  assert.equal(describeDays(0b0010101), "Mon, Wed, Fri");
  assert.equal(describeDays(0b1000000), "Sun");
});

test("a limb offers the catalogue's and the user's exercises of its kind", () => {
  const catalogue = [
    { id: "single-leg-press", name: "Single-leg press", limb: "leg" },
    { id: "single-arm-biceps-curl", name: "Single-arm biceps curl", limb: "arm" },
    { id: "side-plank", name: "Side plank", limb: "other" },
  ];
  const customs = [{ id: "019aa000-0000-7000-8000-000000000001", name: "Step-up", limb: "leg" }];
  const ids = (limb) => exercisesFor(limb, catalogue, customs).map((e) => e.id);
  assert.deepEqual(ids("right_leg"), ["single-leg-press", "019aa000-0000-7000-8000-000000000001"]);
  assert.deepEqual(ids("left_arm"), ["single-arm-biceps-curl"]);
  assert.deepEqual(exerciseIds("single-leg-press,single-leg-curl"), [
    "single-leg-press",
    "single-leg-curl",
  ]);
  assert.deepEqual(exerciseIds(""), []);
  assert.deepEqual(exerciseIds(undefined), []);
});

test("only whole reminders are listed, by time of day then limb", () => {
  const whole = (id, local_time, limb) => ({ id, weekdays: 1, local_time, tz: "UTC", limb });
  const listed = completeReminders([
    whole("c", "18:00", "right_leg"),
    whole("a", "07:30", "left_arm"),
    whole("b", "18:00", "left_leg"),
    { id: "d", weekdays: 1, tz: "UTC", limb: "left_leg" }, // its time has not synced yet
    whole("e", "09:00", "left_foot"),
  ]);
  assert.deepEqual(listed.map((r) => r.id), ["a", "b", "c"]);
});

test("the zone picker always offers the zone a reminder holds", () => {
  assert.ok(zoneChoices("Europe/Berlin").includes("Europe/Berlin"));
  assert.equal(zoneChoices("Mars/Olympus_Mons")[0], "Mars/Olympus_Mons");
});
