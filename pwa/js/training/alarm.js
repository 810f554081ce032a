// The end of a rest: a vibration and a short beep. A page may do either only once it has had a
// user gesture (before that Chrome logs an error for the vibration and a warning for the
// sound), so neither is tried earlier, and the audio context is made or resumed in a gesture:
// when a rest starts after one, else in the next tap or key press.

const GESTURES = ["click", "keydown"];
let audio = null;
let listening = false;

/** Browsers without `navigator.userActivation` are let try. */
const activated = () => navigator.userActivation?.hasBeenActive ?? true;

function unlock() {
  try {
    audio ??= new AudioContext();
    if (audio.state === "suspended") audio.resume().catch(() => undefined);
  } catch {
    audio = null; // no Web Audio here: the vibration says it
  }
}

function onGesture() {
  listening = false;
  for (const type of GESTURES) removeEventListener(type, onGesture, true);
  unlock();
}

/** At the start of a rest: make the sound ready now, or in the page's first gesture. */
export function prepareAlarm() {
  if (activated()) return unlock();
  if (listening) return;
  listening = true;
  for (const type of GESTURES) addEventListener(type, onGesture, true);
}

/** The rest is over: vibrate and beep where allowed; the context sleeps until the next rest. */
export function ring() {
  if (!activated()) return;
  navigator.vibrate?.([200, 100, 200]);
  if (audio?.state !== "running") return;
  const osc = audio.createOscillator();
  osc.frequency.value = 880;
  osc.connect(audio.destination);
  osc.onended = () => audio.suspend().catch(() => undefined);
  osc.start();
  osc.stop(audio.currentTime + 0.3);
}
