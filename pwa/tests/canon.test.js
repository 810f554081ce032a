// Values as JavaScript holds them: what checkValue accepts, how canon spells it, and why merge
// ties must compare UTF-8 bytes rather than JavaScript strings.
import assert from "node:assert/strict";
import { test } from "node:test";

import { InvalidValue, canon, checkValue, compareBytes, parseScalarJson } from "../js/sync/canon.js";
import { prng } from "./support.js";

const reason = (r) => (e) => e instanceof InvalidValue && e.reason === r;

test("checkValue keeps scalars and refuses the rest with Python's reasons", () => {
  for (const v of [null, true, false, 0, -1, 2 ** 53 - 1, -(2 ** 53 - 1), "", "Single-leg press", "😀"]) {
    assert.equal(checkValue(v), v);
  }
  assert.ok(Object.is(checkValue(-0), 0));
  assert.equal(checkValue(10n), 10);
  for (const v of [1.5, NaN, Infinity, -Infinity, 1e-7]) assert.throws(() => checkValue(v), reason("float"));
  for (const v of [2 ** 53, -(2 ** 53), 1e300, 2n ** 53n, -(2n ** 60n)]) {
    assert.throws(() => checkValue(v), reason("int_range"));
  }
  for (const v of [undefined, [], {}, [1], Symbol("x"), () => 1, new Date(0)]) {
    assert.throws(() => checkValue(v), reason("type"));
  }
});

test("a string with several faults reports lone surrogate, then control, then NFC", () => {
  assert.throws(() => checkValue("e\u0301\n\ud800"), reason("lone_surrogate"));
  assert.throws(() => checkValue("\udc00e\u0301\n"), reason("lone_surrogate"));
  assert.throws(() => checkValue("\ud83d\ude00\udc00"), reason("lone_surrogate"));
  assert.throws(() => checkValue("e\u0301\u0085"), reason("control_char"));
  assert.throws(() => checkValue("e\u0301"), reason("not_nfc"));
  assert.equal(checkValue("\ud83d\ude00\u00a0\u2028"), "😀\u00a0\u2028");
});

test("canon escapes only backslash and quote", () => {
  assert.equal(canon('a"b\\c/😀\u2028'), '"a\\"b\\\\c/😀\u2028"');
  assert.equal(canon(-9007199254740991), "-9007199254740991");
  assert.equal(canon(null) + canon(true) + canon(false), "nulltruefalse");
  assert.throws(() => canon(1.5), reason("type"));
});

test("parseScalarJson classifies raw JSON as Python does", () => {
  assert.equal(parseScalarJson(" \n1\t"), 1);
  assert.ok(Object.is(parseScalarJson("-0"), 0));
  assert.equal(parseScalarJson('"\\u00e9"'), "é");
  for (const t of ["1.0", "-0.0", "1e3", "1E+3", "1.5e-3", "1E400"]) {
    assert.throws(() => parseScalarJson(t), reason("float"));
  }
  for (const t of ["9007199254740992", "-9007199254740993", "1" + "0".repeat(40)]) {
    assert.throws(() => parseScalarJson(t), reason("int_range"));
  }
  for (const t of ["[1.0]", "{}", '{"a":1}']) assert.throws(() => parseScalarJson(t), reason("type"));
  for (const t of ["NaN", "Infinity", "01", "+1", "1.", ".5", "'a'", "", '"\u0001"', "1 2"]) {
    assert.throws(() => parseScalarJson(t), SyntaxError, t);
  }
});

test("compareBytes puts astral characters after U+E000..U+FFFF, unlike < on strings", () => {
  assert.ok("\ue000" > "😀"); // UTF-16 code units: 0xE000 > 0xD83D
  assert.equal(compareBytes("\ue000", "😀"), -1); // UTF-8: EE 80 80 < F0 9F 98 80
  assert.equal(compareBytes("\uffff", "𝄞"), -1);
  assert.equal(compareBytes("a", "ab"), -1);
  assert.equal(compareBytes("ab", "a"), 1);
  assert.equal(compareBytes("", ""), 0);
});

test("property: compareBytes equals comparing TextEncoder bytes", () => {
  const rng = prng(5);
  const chars = ["a", "Z", "\u007f", "é", "\u0800", "\ud7ff", "\ue000", "\uffff", "😀", "𝄞"];
  chars.push("\u{10ffff}", "\ud800", "\udfff");
  const encoder = new TextEncoder();
  const text = () => Array.from({ length: rng.int(0, 5) }, () => rng.pick(chars)).join("");
  for (let i = 0; i < 20_000; i++) {
    const [a, b] = [text(), text()];
    const want = Buffer.compare(encoder.encode(a), encoder.encode(b));
    assert.equal(compareBytes(a, b), want, JSON.stringify([a, b]));
  }
});
