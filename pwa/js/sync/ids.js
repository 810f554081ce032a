/**
 * UUIDv7 record and op ids (RFC 9562); the twin of sync/ids.py. Time-ordered, so new rows land
 * at the end of the server's index.
 */

const UUID7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const MAX_UNIX_MS = 2 ** 48 - 1;

/**
 * A UUIDv7 for `unixMs` whose 74 random bits come from the 10 bytes of `randBytes`:
 * `rand_a` takes the first 12 bits and `rand_b` the last 62; the 6 bits between are unused.
 * @param {number} unixMs @param {Uint8Array} randBytes @returns {string}
 */
export function uuid7(unixMs, randBytes) {
  if (!Number.isInteger(unixMs) || unixMs < 0 || unixMs > MAX_UNIX_MS) {
    throw new RangeError(`unix_ms must fit in 48 bits: ${unixMs}`);
  }
  if (!(randBytes instanceof Uint8Array) || randBytes.length !== 10) {
    throw new RangeError(`rand must be exactly 10 bytes, got ${randBytes?.length}`);
  }
  const r = randBytes;
  const b = new Uint8Array(16);
  // 48-bit big-endian milliseconds; division, since bit operators stop at 32 bits.
  let ms = unixMs;
  for (let i = 5; i >= 0; i--) {
    b[i] = ms % 256;
    ms = Math.floor(ms / 256);
  }
  b[6] = 0x70 | (r[0] >> 4); // version 7, then rand_a = r[0] and the high half of r[1]
  b[7] = ((r[0] & 0x0f) << 4) | (r[1] >> 4);
  b[8] = 0x80 | (r[2] & 0x3f); // variant 0b10, then rand_b = low 6 bits of r[2] and r[3..9]
  b.set(r.subarray(3), 9);
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Whether `text` is a UUIDv7 in canonical lower-case hyphenated form. */
export function isUuid7(/** @type {unknown} */ text) {
  return typeof text === "string" && UUID7.test(text);
}

/** The Unix time in milliseconds embedded in a UUIDv7. */
export function uuid7Ms(/** @type {string} */ text) {
  if (!isUuid7(text)) throw new RangeError(`not a canonical UUIDv7: ${JSON.stringify(text)}`);
  return parseInt(text.slice(0, 8) + text.slice(9, 13), 16);
}

/** A fresh UUIDv7 from the device clock and the platform's CSPRNG, for ids the app mints. */
export function newUuid7() {
  return uuid7(Date.now(), globalThis.crypto.getRandomValues(new Uint8Array(10)));
}
