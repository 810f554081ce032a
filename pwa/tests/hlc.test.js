// The clock: strict text form, calendar arithmetic over the whole 1970-9999 range, and the
// properties sync relies on (monotonic stamps, byte order = causal order, bounded drift).
import assert from "node:assert/strict";
import { test } from "node:test";

import { compareBytes } from "../js/sync/canon.js";
import {
  ClockDriftError,
  CounterOverflowError,
  HlcFormatError,
  MAX_COUNTER,
  MAX_DRIFT_MS,
  MAX_WALL_MS,
  compare,
  encode,
  isNodeId,
  parse,
  receive,
  send,
} from "../js/sync/hlc.js";
import { noMismatches, prng } from "./support.js";

const NODE = "0123456789abcdef";
const DAY_MS = 86_400_000;
const sign = (x) => Math.sign(x);

test("the first and last instants encode and parse", () => {
  const first = `1970-01-01T00:00:00.000Z-0000-${NODE}`;
  const last = `9999-12-31T23:59:59.999Z-FFFF-${NODE}`;
  assert.deepEqual(parse(first), { wallMs: 0, counter: 0, node: NODE });
  assert.deepEqual(parse(last), { wallMs: MAX_WALL_MS, counter: MAX_COUNTER, node: NODE });
  assert.equal(encode({ wallMs: MAX_WALL_MS, counter: MAX_COUNTER, node: NODE }), last);
});

test("every month from 1970 to 9999 starts and ends on the right civil date", () => {
  const mismatches = [];
  const two = (n) => String(n).padStart(2, "0");
  let wallMs = 0;
  for (let y = 1970; y <= 9999; y++) {
    const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
    const lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    for (let m = 1; m <= 12; m++) {
      const first = `${y}-${two(m)}-01T00:00:00.000Z`;
      wallMs += lengths[m - 1] * DAY_MS;
      const last = `${y}-${two(m)}-${lengths[m - 1]}T23:59:59.999Z`;
      // The first and last millisecond of the month catch off-by-one days and months alike.
      const got = [wallMs - lengths[m - 1] * DAY_MS, wallMs - 1].map(
        (w) => encode({ wallMs: w, counter: 0, node: NODE }).slice(0, 24),
      );
      if (got[0] !== first || got[1] !== last) mismatches.push(`${got} != ${first},${last}`);
    }
  }
  assert.equal(wallMs, MAX_WALL_MS + 1);
  noMismatches(assert, mismatches);
});

test("encode agrees with Date for random instants and parse inverts it", () => {
  const rng = prng(1);
  for (let i = 0; i < 5000; i++) {
    const clock = {
      wallMs: rng.int(0, MAX_WALL_MS),
      counter: rng.int(0, MAX_COUNTER),
      node: rng.hex(8),
    };
    const text = encode(clock);
    assert.equal(text.slice(0, 24), new Date(clock.wallMs).toISOString());
    assert.deepEqual(parse(text), clock);
  }
});

test("parse refuses anything but the exact fixed-width form", () => {
  const bad = [
    `1970-01-01T00:00:00.000Z-0000-${NODE}\n`, // Python's $ would allow this; fullmatch does not
    ` 1970-01-01T00:00:00.000Z-0000-${NODE}`,
    `1970-01-01T00:00:00.000Z-000a-${NODE}`, // lower-case counter
    `1970-01-01T00:00:00.000Z-0000-0123456789ABCDEF`, // upper-case node
    `1970-01-01T00:00:00.000Z-00000-${NODE}`,
    `1970-01-01T00:00:00.00Z-0000-${NODE}`,
    `1970-01-01 00:00:00.000Z-0000-${NODE}`,
    `197٠-01-01T00:00:00.000Z-0000-${NODE}`, // Arabic-Indic digit
    `１970-01-01T00:00:00.000Z-0000-${NODE}`, // full-width digit
    `2023-02-29T00:00:00.000Z-0000-${NODE}`,
    `2100-02-29T00:00:00.000Z-0000-${NODE}`,
    `2024-04-31T00:00:00.000Z-0000-${NODE}`,
    `2024-13-01T00:00:00.000Z-0000-${NODE}`,
    `2024-00-01T00:00:00.000Z-0000-${NODE}`,
    `2024-01-00T00:00:00.000Z-0000-${NODE}`,
    `2024-01-01T24:00:00.000Z-0000-${NODE}`,
    `2024-01-01T23:60:00.000Z-0000-${NODE}`,
    `2024-01-01T23:59:60.000Z-0000-${NODE}`, // no leap seconds
    `0000-01-01T00:00:00.000Z-0000-${NODE}`, // no year 0, and before 1970 anyway
    `1600-02-29T00:00:00.000Z-0000-${NODE}`, // a real date, but before 1970
    `1969-12-31T23:59:59.999Z-0000-${NODE}`,
    "",
    null,
    42,
  ];
  for (const text of bad) assert.throws(() => parse(text), HlcFormatError, String(text));
  assert.ok(parse(`2000-02-29T00:00:00.000Z-0000-${NODE}`));
  assert.ok(parse(`2024-02-29T00:00:00.000Z-0000-${NODE}`));
});

test("clocks out of range are refused on encode, send and receive", () => {
  const ok = { wallMs: 0, counter: 0, node: NODE };
  const bad = [
    { ...ok, wallMs: -1 },
    { ...ok, wallMs: MAX_WALL_MS + 1 },
    { ...ok, wallMs: 0.5 },
    { ...ok, counter: MAX_COUNTER + 1 },
    { ...ok, counter: -1 },
    { ...ok, node: "0123456789ABCDEF" },
    { ...ok, node: "0123" },
  ];
  for (const clock of bad) {
    assert.throws(() => encode(clock), HlcFormatError);
    assert.throws(() => send(clock, 0), HlcFormatError);
    assert.throws(() => receive(ok, clock, 0), HlcFormatError);
  }
  assert.throws(() => send(ok, MAX_WALL_MS + 1), HlcFormatError); // beyond year 9999
  assert.throws(() => send(ok, 1.5), TypeError);
  assert.ok(isNodeId(NODE) && !isNodeId(`${NODE}0`) && !isNodeId(undefined));
});

test("an exhausted counter carries into the next millisecond", () => {
  const full = Object.freeze({ wallMs: 1000, counter: MAX_COUNTER, node: NODE });
  assert.deepEqual(send(full, 1000), { wallMs: 1001, counter: 0, node: NODE });
  assert.deepEqual(send(full, 10), { wallMs: 1001, counter: 0, node: NODE }); // wall went back
  assert.deepEqual(full, { wallMs: 1000, counter: MAX_COUNTER, node: NODE });
  assert.deepEqual(send(full, 1002), { wallMs: 1002, counter: 0, node: NODE });
  const msg = { wallMs: 2000, counter: MAX_COUNTER, node: "f".repeat(16) };
  assert.deepEqual(receive(full, msg, 1500), { wallMs: 2001, counter: 0, node: NODE });
  const edge = { ...msg, wallMs: 1000 + MAX_DRIFT_MS };
  assert.deepEqual(receive(full, edge, 1000), { wallMs: 1001 + MAX_DRIFT_MS, counter: 0, node: NODE });
});

test("a clock at the last instant overflows and stays as it was", () => {
  const last = Object.freeze({ wallMs: MAX_WALL_MS, counter: MAX_COUNTER, node: NODE });
  const overflow = (e) => e instanceof CounterOverflowError && e.code === "counter_overflow";
  assert.throws(() => send(last, MAX_WALL_MS), overflow);
  const msg = { ...last, node: "f".repeat(16) };
  assert.throws(() => receive({ wallMs: 0, counter: 0, node: NODE }, msg, MAX_WALL_MS), overflow);
  assert.deepEqual(last, { wallMs: MAX_WALL_MS, counter: MAX_COUNTER, node: NODE });
});

test("receive follows up to max drift ahead and no further", () => {
  const clock = { wallMs: 0, counter: 3, node: NODE };
  const now = 1_000_000;
  const at = (wallMs) => ({ wallMs, counter: 7, node: "f".repeat(16) });
  const edge = now + MAX_DRIFT_MS;
  assert.deepEqual(receive(clock, at(edge), now), { wallMs: edge, counter: 8, node: NODE });
  const drift = (e) => e instanceof ClockDriftError && e.code === "clock_drift" && e.remoteWallMs === edge + 1;
  assert.throws(() => receive(clock, at(edge + 1), now), drift);
  assert.equal(receive(clock, at(now + 10), now, 10).wallMs, now + 10); // a tighter bound
  assert.throws(() => receive(clock, at(now + 11), now, 10), ClockDriftError);
  assert.deepEqual(receive(clock, encode(at(now)), now), { wallMs: now, counter: 8, node: NODE });
});

test("property: send is strictly monotonic whatever the wall clock does", () => {
  const rng = prng(2);
  for (let run = 0; run < 300; run++) {
    let clock = { wallMs: rng.int(0, 2e12), counter: rng.int(0, 100), node: rng.hex(8) };
    let now = clock.wallMs + rng.int(-5000, 5000);
    for (let i = 0; i < 60; i++) {
      now = Math.max(0, now + rng.pick([0, 0, 0, 1, 2, -1, -1000, 1000, -120_000]));
      let next;
      try {
        next = send(clock, now);
      } catch (err) {
        assert.ok(err instanceof CounterOverflowError);
        continue;
      }
      assert.ok(encode(next) > encode(clock) && compare(next, clock) > 0);
      assert.ok(next.wallMs >= now && next.node === clock.node);
      clock = next;
    }
  }
});

test("property: receive yields a stamp after both the clock and the message", () => {
  const rng = prng(3);
  for (let i = 0; i < 3000; i++) {
    const base = rng.int(0, 2e12);
    const clock = { wallMs: base + rng.int(-3, 3), counter: rng.int(0, 50), node: rng.hex(8) };
    const msg = { wallMs: base + rng.int(-3, 3), counter: rng.int(0, 50), node: rng.hex(8) };
    const now = base + rng.pick([-5, 0, 1, 5, rng.int(-MAX_DRIFT_MS, MAX_DRIFT_MS)]);
    if (msg.wallMs - now > MAX_DRIFT_MS) continue;
    const next = receive(clock, msg, now);
    assert.ok(compare(next, clock) > 0 && next.wallMs >= msg.wallMs && next.wallMs >= now);
    assert.ok(next.wallMs > msg.wallMs || next.counter > msg.counter);
    assert.equal(next.node, clock.node);
  }
});

test("property: full counters within the drift limit never make a clock fail", () => {
  const rng = prng(5);
  for (let run = 0; run < 200; run++) {
    let now = rng.int(0, 2e12);
    let clock = { wallMs: now, counter: rng.pick([0, MAX_COUNTER - 1, MAX_COUNTER]), node: NODE };
    let latest = now;
    for (let i = 0; i < 40; i++) {
      now = Math.max(0, now + rng.int(-3, 3));
      latest = Math.max(latest, now);
      const msg = {
        wallMs: now + rng.pick([-1, 0, MAX_DRIFT_MS - 1, MAX_DRIFT_MS]),
        counter: rng.pick([MAX_COUNTER - 1, MAX_COUNTER]),
        node: "f".repeat(16),
      };
      const next = rng.next() < 0.5 ? send(clock, now) : receive(clock, msg, now);
      assert.ok(compare(next, clock) > 0);
      clock = next;
    }
    assert.ok(clock.wallMs <= latest + MAX_DRIFT_MS + 1);
  }
});

test("property: byte order of encoded clocks is (wall, counter, node) order", () => {
  const rng = prng(4);
  const walls = [0, 1, 999, 1000, 86_399_999, 86_400_000, 951_782_399_999, MAX_WALL_MS];
  const counters = [0, 1, 9, 10, 15, 16, 0xff, 0x100, 0xfff, 0x1000, MAX_COUNTER];
  const nodes = ["0".repeat(16), "f".repeat(16), "0123456789abcdef", "a".repeat(16), rng.hex(8)];
  const clock = () => ({
    wallMs: rng.next() < 0.5 ? rng.pick(walls) : rng.int(0, MAX_WALL_MS),
    counter: rng.pick(counters),
    node: rng.pick(nodes),
  });
  for (let i = 0; i < 20_000; i++) {
    const a = clock();
    const b = clock();
    const [ea, eb] = [encode(a), encode(b)];
    const want = sign(compare(a, b));
    assert.equal(sign(compareBytes(ea, eb)), want, `${ea} vs ${eb}`);
    assert.equal(ea < eb ? -1 : ea > eb ? 1 : 0, want, `${ea} vs ${eb}`);
    assert.equal(ea.length, 46);
  }
});
