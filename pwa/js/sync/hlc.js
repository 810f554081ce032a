/**
 * Hybrid logical clock (Kulkarni et al. 2014) with wall time in epoch milliseconds; the twin of
 * sync/hlc.py. The wall clock is always passed in, never read here.
 *
 * The text form `YYYY-MM-DDTHH:MM:SS.mmmZ-CCCC-NNNNNNNNNNNNNNNN` is fixed width and uses only
 * ASCII characters whose byte order matches their numeric order (digits, then A-F for the
 * counter, a-f for the node), so comparing encoded strings with `<` gives the same order as
 * comparing (wallMs, counter, node). The civil date is computed here rather than with `Date`,
 * whose UTC helpers map years 0-99 to 1900-1999.
 *
 * @typedef {{wallMs: number, counter: number, node: string}} Hlc
 */

export const MAX_DRIFT_MS = 300_000;
export const MAX_COUNTER = 0xffff;
/** 9999-12-31T23:59:59.999Z, the last instant with a 4-digit year. */
export const MAX_WALL_MS = 253402300799999;

const DAY_MS = 86_400_000;
const NODE = /^[0-9a-f]{16}$/;
// No `m` flag: `$` then matches only at the very end, like Python's fullmatch.
const TEXT = new RegExp(
  "^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\\.([0-9]{3})Z" +
    "-([0-9A-F]{4})-([0-9a-f]{16})$",
);

/** Base of every clock error; `code` tells the kinds apart across languages. */
export class HlcError extends Error {
  /** @param {string} message @param {string} code */
  constructor(message, code) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Text or fields that do not form a valid timestamp. */
export class HlcFormatError extends HlcError {
  /** @param {string} message */
  constructor(message) {
    super(message, "format");
  }
}

/** A received timestamp is further ahead of local wall time than the clock may follow. */
export class ClockDriftError extends HlcError {
  /** @param {number} remoteWallMs @param {number} nowMs */
  constructor(remoteWallMs, nowMs) {
    super(
      `remote wall time ${remoteWallMs} ms is ${remoteWallMs - nowMs} ms ahead of ` +
        `local wall time ${nowMs} ms`,
      "clock_drift",
    );
    this.remoteWallMs = remoteWallMs;
    this.nowMs = nowMs;
  }
}

/** The clock would pass the last representable instant (the end of year 9999). */
export class CounterOverflowError extends HlcError {
  /** @param {string} message */
  constructor(message) {
    super(message, "counter_overflow");
  }
}

/** @param {unknown} text */
export function isNodeId(text) {
  return typeof text === "string" && NODE.test(text);
}

/** @param {number} n @param {number} width */
const pad = (n, width) => String(n).padStart(width, "0");

// Days since 1970-01-01 <-> proleptic Gregorian (year, month, day), after H. Hinnant's
// days_from_civil / civil_from_days; exact for every year here, including 0000.
/** @param {number} y @param {number} m @param {number} d */
function daysFromCivil(y, m, d) {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** @param {number} days */
function civilFromDays(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  return { y: era * 400 + yoe + (m <= 2 ? 1 : 0), m, d };
}

/** @param {number} y @param {number} m */
function daysInMonth(y, m) {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(m) ? 30 : 31;
}

/**
 * Validate a clock and return it frozen, so a caller can keep it after a refused event.
 * @param {Hlc} clock @returns {Readonly<Hlc>}
 */
function check(clock) {
  const { wallMs, counter, node } = clock ?? {};
  if (!Number.isInteger(wallMs) || wallMs < 0 || wallMs > MAX_WALL_MS) {
    throw new HlcFormatError(`wall_ms out of range: ${wallMs}`);
  }
  if (!Number.isInteger(counter) || counter < 0 || counter > MAX_COUNTER) {
    throw new HlcFormatError(`counter out of range: ${counter}`);
  }
  if (!isNodeId(node)) throw new HlcFormatError(`node is not 16 lower-case hex digits: ${node}`);
  return Object.isFrozen(clock) ? clock : Object.freeze({ wallMs, counter, node });
}

/** @param {Hlc} clock @returns {string} */
export function encode(clock) {
  const { wallMs, counter, node } = check(clock);
  const days = Math.floor(wallMs / DAY_MS);
  const ms = wallMs - days * DAY_MS;
  const { y, m, d } = civilFromDays(days);
  const sec = Math.floor(ms / 1000);
  return (
    `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}T${pad(Math.floor(sec / 3600), 2)}:` +
    `${pad(Math.floor(sec / 60) % 60, 2)}:${pad(sec % 60, 2)}.${pad(ms % 1000, 3)}Z-` +
    `${counter.toString(16).toUpperCase().padStart(4, "0")}-${node}`
  );
}

/** @param {string} text @returns {Readonly<Hlc>} */
export function parse(text) {
  const match = typeof text === "string" ? TEXT.exec(text) : null;
  if (match === null) throw new HlcFormatError(`not an HLC: ${JSON.stringify(text)}`);
  const [y, mo, d, h, mi, s, ms] = match.slice(1, 8).map(Number);
  // Year 0000 is refused like Python's date(), which starts at year 1.
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
    throw new HlcFormatError(`not a calendar date: ${JSON.stringify(text)}`);
  }
  if (h > 23 || mi > 59 || s > 59) {
    throw new HlcFormatError(`not a time of day: ${JSON.stringify(text)}`);
  }
  const wallMs = daysFromCivil(y, mo, d) * DAY_MS + ((h * 60 + mi) * 60 + s) * 1000 + ms;
  return check({ wallMs, counter: parseInt(match[8], 16), node: match[9] });
}

/** -1, 0 or 1 by (wallMs, counter, node); agrees with comparing the encoded strings. */
export function compare(/** @type {Hlc} */ a, /** @type {Hlc} */ b) {
  if (a.wallMs !== b.wallMs) return a.wallMs < b.wallMs ? -1 : 1;
  if (a.counter !== b.counter) return a.counter < b.counter ? -1 : 1;
  return a.node === b.node ? 0 : a.node < b.node ? -1 : 1;
}

/** @param {unknown} nowMs */
function checkNow(nowMs) {
  // Python would accept a float here and fail later; a clock fed a fractional time is a bug.
  if (!Number.isSafeInteger(nowMs)) throw new TypeError(`now must be an integer ms: ${nowMs}`);
  return /** @type {number} */ (nowMs);
}

/** @param {string} node @param {number} wallMs @param {number} counter */
function advance(node, wallMs, counter) {
  // An exhausted counter carries into the next logical millisecond instead of failing, so no
  // message can make a clock refuse its next event (see sync/hlc.py for the bound this keeps).
  if (counter > MAX_COUNTER) {
    if (wallMs === MAX_WALL_MS) {
      throw new CounterOverflowError(`clock exhausted at the last instant ${MAX_WALL_MS} ms`);
    }
    wallMs += 1;
    counter = 0;
  }
  return check({ wallMs, counter, node });
}

/**
 * The clock after a local or send event at wall time `nowMs`. Pure: on error the caller's
 * clock is untouched.
 * @param {Hlc} clock @param {number} nowMs @returns {Readonly<Hlc>}
 */
export function send(clock, nowMs) {
  const c = check(clock);
  const wall = Math.max(c.wallMs, checkNow(nowMs));
  return advance(c.node, wall, wall === c.wallMs ? c.counter + 1 : 0);
}

/**
 * The clock after receiving `msg` (a clock or its text) at wall time `nowMs`; it keeps its
 * own node. A message too far ahead is refused rather than followed, so one bad clock cannot
 * drag every replica into the future.
 * @param {Hlc} clock @param {Hlc | string} msg @param {number} nowMs @param {number} [maxDriftMs]
 * @returns {Readonly<Hlc>}
 */
export function receive(clock, msg, nowMs, maxDriftMs = MAX_DRIFT_MS) {
  const c = check(clock);
  const m = typeof msg === "string" ? parse(msg) : check(msg);
  checkNow(nowMs);
  if (m.wallMs - nowMs > maxDriftMs) throw new ClockDriftError(m.wallMs, nowMs);
  const wall = Math.max(c.wallMs, m.wallMs, nowMs);
  let counter = 0;
  if (wall === c.wallMs && wall === m.wallMs) counter = Math.max(c.counter, m.counter) + 1;
  else if (wall === c.wallMs) counter = c.counter + 1;
  else if (wall === m.wallMs) counter = m.counter + 1;
  return advance(c.node, wall, counter);
}
