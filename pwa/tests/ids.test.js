// UUIDv7 ids: the same bit layout as sync/ids.py, canonical text, and time order.
import assert from "node:assert/strict";
import { test } from "node:test";

import { isUuid7, newUuid7, uuid7, uuid7Ms } from "../js/sync/ids.js";
import { prng } from "./support.js";

const hex = (h) => Uint8Array.from(h.match(/../g), (b) => parseInt(b, 16));

test("uuid7 lays out bits as sync/ids.py does", () => {
  // Expected texts are what sync/ids.py's uuid7 returns for the same arguments.
  const cases = [
    [0, "00000000000000000000", "00000000-0000-7000-8000-000000000000"],
    [0, "ffffffffffffffffffff", "00000000-0000-7fff-bfff-ffffffffffff"],
    [2 ** 48 - 1, "ffffffffffffffffffff", "ffffffff-ffff-7fff-bfff-ffffffffffff"],
    [1763700000000, "00010203040506070809", "019aa4b6-4500-7000-8203-040506070809"],
    [1763700000000, "a5c3f00f3c96e1b27d48", "019aa4b6-4500-7a5c-b00f-3c96e1b27d48"],
    [1, "0f0f0f0f0f0f0f0f0f0f", "00000000-0001-70f0-8f0f-0f0f0f0f0f0f"],
  ];
  for (const [ms, rand, want] of cases) {
    assert.equal(uuid7(ms, hex(rand)), want);
    assert.ok(isUuid7(want));
    assert.equal(uuid7Ms(want), ms);
  }
});

test("uuid7 refuses times beyond 48 bits and random parts not of 10 bytes", () => {
  for (const ms of [-1, 2 ** 48, 1.5, NaN]) assert.throws(() => uuid7(ms, new Uint8Array(10)), RangeError);
  for (const rand of [new Uint8Array(9), new Uint8Array(11), [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]]) {
    assert.throws(() => uuid7(0, rand), RangeError);
  }
});

test("isUuid7 accepts only canonical lower-case version 7", () => {
  const ok = "019aa4b6-4500-7a5c-b00f-3c96e1b27d48";
  const bads = [ok.toUpperCase(), ok.replace("-7", "-4"), ok.replace("-b0", "-c0"), `${ok}\n`];
  for (const bad of [...bads, ok.replaceAll("-", ""), null]) {
    assert.equal(isUuid7(bad), false, String(bad));
  }
  assert.throws(() => uuid7Ms("not-a-uuid"), RangeError);
});

test("property: ids sort by time and carry their time", () => {
  const rng = prng(8);
  for (let i = 0; i < 5000; i++) {
    const [a, b] = [rng.int(0, 2 ** 48 - 1), rng.int(0, 2 ** 48 - 1)];
    const [ua, ub] = [uuid7(a, rng.bytes(10)), uuid7(b, rng.bytes(10))];
    assert.ok(isUuid7(ua) && uuid7Ms(ua) === a);
    if (a !== b) assert.equal(ua < ub, a < b);
  }
});

test("newUuid7 mints a fresh id from the current time", () => {
  const before = Date.now();
  const [a, b] = [newUuid7(), newUuid7()];
  assert.ok(isUuid7(a) && isUuid7(b) && a !== b);
  assert.ok(uuid7Ms(a) >= before && uuid7Ms(b) <= Date.now());
});
