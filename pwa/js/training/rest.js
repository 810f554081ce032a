// The rest timer: one countdown at a time, started after each saved side. Screens subscribe;
// when it runs out while the app is open the phone vibrates and beeps where it may.
import { prepareAlarm, ring } from "./alarm.js";

export const DEFAULT_REST_S = 90;
export const REST_STEP_S = 15;
const listeners = new Set();
let timer = null; // {exercise, seconds, endsAt}
let tick = null;

export const restState = () => timer;
export function onRest(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}
const notify = () => listeners.forEach((listener) => listener(timer));

/** The rest length of an exercise from the device's settings (meta.rest). */
export const restLength = (meta, exercise) =>
  meta?.rest?.[exercise] ?? meta?.rest?.default ?? DEFAULT_REST_S;

export function startRest(exercise, seconds, nowMs = Date.now()) {
  timer = { exercise, seconds, endsAt: nowMs + seconds * 1000 };
  prepareAlarm();
  clearInterval(tick);
  tick = setInterval(() => {
    if (timer && Date.now() >= timer.endsAt) finished();
    else notify();
  }, 250);
  notify();
}

/** Lengthen or shorten the countdown running now; returns the new length. */
export function adjustRest(deltaS) {
  if (!timer) return null;
  const seconds = Math.max(REST_STEP_S, timer.seconds + deltaS);
  timer = { ...timer, seconds, endsAt: timer.endsAt + (seconds - timer.seconds) * 1000 };
  notify();
  return seconds;
}

export function stopRest() {
  clearInterval(tick);
  timer = null;
  notify();
}

function finished() {
  stopRest();
  ring();
}
