/**
 * Field values and their canonical text; the twin of sync/canon.py.
 *
 * A value is a JSON scalar every replica holds exactly: integers within ±(2^53 − 1), NFC
 * strings without control characters, booleans and null. Canonical text is compact JSON; merge
 * ties compare it as UTF-8 bytes. JavaScript's `<` compares UTF-16 code units, which puts
 * astral characters (U+10000 and up) before U+E000..U+FFFF, so use `compareBytes` instead.
 *
 * A JavaScript number cannot say whether its JSON text was `1` or `1.0`, and integers beyond
 * 2^53 arrive rounded; so an integral number is taken as an integer here, and raw JSON text
 * should go through `parseScalarJson`, which classifies it as Python does.
 *
 * @typedef {number | string | boolean | null} Scalar
 * @typedef {"float" | "int_range" | "control_char" | "not_nfc" | "lone_surrogate" | "type"} Reason
 */

export const MAX_SAFE_INT = Number.MAX_SAFE_INTEGER; // 2^53 - 1

// Unicode's stability policy fixes the Cc category to exactly these code points.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// Without the `u` flag the regex sees UTF-16 code units, so a pair is two units. No
// lookbehind, which older Safari lacks.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?:^|[^\ud800-\udbff])[\udc00-\udfff]/;
const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$/;
const JSON_SPACE = /^[ \t\n\r]+|[ \t\n\r]+$/g;
const BIG_MAX = BigInt(MAX_SAFE_INT);

export class InvalidValue extends Error {
  /** @param {Reason} reason @param {string} detail */
  constructor(reason, detail) {
    super(detail);
    this.name = "InvalidValue";
    /** @type {Reason} */
    this.reason = reason;
  }
}

/**
 * Return `value` if it is a valid field value, else throw `InvalidValue`. A string with
 * several faults reports the first of: lone surrogate, control character, not NFC.
 * @param {unknown} value @returns {Scalar}
 */
export function checkValue(value) {
  if (value === null || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (!Number.isInteger(value)) {
      throw new InvalidValue("float", "floats are not allowed; use integers in fixed units");
    }
    if (!Number.isSafeInteger(value)) {
      throw new InvalidValue("int_range", "integers must be within ±(2**53 - 1)");
    }
    return value === 0 ? 0 : value; // -0 has the one spelling 0
  }
  if (typeof value === "bigint") {
    if (value > BIG_MAX || value < -BIG_MAX) {
      throw new InvalidValue("int_range", "integers must be within ±(2**53 - 1)");
    }
    return Number(value);
  }
  if (typeof value === "string") {
    if (LONE_SURROGATE.test(value)) {
      throw new InvalidValue("lone_surrogate", "strings must not contain lone surrogates");
    }
    if (CONTROL.test(value)) {
      throw new InvalidValue("control_char", "strings must not contain control characters");
    }
    if (value.normalize("NFC") !== value) {
      throw new InvalidValue("not_nfc", "strings must be NFC-normalised");
    }
    return value;
  }
  throw new InvalidValue("type", `not a JSON scalar: ${Array.isArray(value) ? "array" : typeof value}`);
}

/**
 * Compact JSON text of a value that passed `checkValue`. Strings escape only `\` and `"`:
 * control characters are refused, and everything else stays raw so the text has one spelling.
 * @param {Scalar} value @returns {string}
 */
export function canon(value) {
  if (value === null) return "null";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number" && Number.isInteger(value)) return String(value);
  if (typeof value === "string") return `"${value.replace(/[\\"]/g, "\\$&")}"`;
  throw new InvalidValue("type", `not a JSON scalar: ${typeof value}`);
}

/**
 * Order two strings by their UTF-8 bytes (-1, 0, 1), which is code-point order. A lone
 * surrogate counts as U+FFFD, the character TextEncoder writes for it.
 * @param {string} a @param {string} b @returns {number}
 */
export function compareBytes(a, b) {
  if (a === b) return 0;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    let x = /** @type {number} */ (a.codePointAt(i));
    let y = /** @type {number} */ (b.codePointAt(j));
    i += x > 0xffff ? 2 : 1;
    j += y > 0xffff ? 2 : 1;
    if (x >= 0xd800 && x <= 0xdfff) x = 0xfffd;
    if (y >= 0xd800 && y <= 0xdfff) y = 0xfffd;
    if (x !== y) return x < y ? -1 : 1;
  }
  const restA = a.length - i;
  const restB = b.length - j;
  return restA === restB ? 0 : restA < restB ? -1 : 1;
}

/**
 * Parse the raw JSON text of one field value and check it: the result or error equals
 * Python's `check_value(json.loads(text))` for every standard JSON text, even where
 * `JSON.parse` loses information (`1.0`, `1e3` are floats; `9007199254740993` is out of
 * range; `-0` is 0). Text that is not JSON (including Python's NaN/Infinity extension, which
 * the server's decoder refuses too) throws SyntaxError.
 * @param {string} text @returns {Scalar}
 */
export function parseScalarJson(text) {
  const trimmed = text.replace(JSON_SPACE, "");
  const number = JSON_NUMBER.exec(trimmed);
  if (number === null) return checkValue(JSON.parse(trimmed));
  if (number[1] !== undefined || number[2] !== undefined) {
    throw new InvalidValue("float", "floats are not allowed; use integers in fixed units");
  }
  return checkValue(BigInt(trimmed));
}
