// Shared helpers for the PWA tests: the shared sync vectors and a seeded PRNG, so that every
// property test replays the same cases on every run and every machine.
import { readFileSync } from "node:fs";

/** The vectors file both languages replay (see sync/vectors.py for its format). */
export const vectors = JSON.parse(
  readFileSync(new URL("../../sync/vectors.json", import.meta.url), "utf8"),
);

/** mulberry32: small, fast, and good enough to pick test cases. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)); // inclusive
  const pick = (items) => items[Math.floor(next() * items.length)];
  const shuffle = (items) => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out;
  };
  const bytes = (n) => Uint8Array.from({ length: n }, () => int(0, 255));
  const hex = (n) => Array.from(bytes(n), (b) => b.toString(16).padStart(2, "0")).join("");
  return { next, int, pick, shuffle, bytes, hex };
}

/** Fails once with the first few mismatches and their total, rather than at the first. */
export function noMismatches(assert, mismatches) {
  const head = mismatches.slice(0, 10).join("\n");
  assert.equal(mismatches.length, 0, `${mismatches.length} mismatches, first:\n${head}`);
}
