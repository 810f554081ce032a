// The rest countdown above the tab bar: time left, 15 s shorter or longer (remembered for that
// exercise) and Skip.
import { useEffect, useState } from "preact/hooks";
import { html } from "./html.js";
import { REST_STEP_S, adjustRest, onRest, restState, stopRest } from "../training/rest.js";
import { exerciseName, setRest } from "../store.js";

const clock = (s) => `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;

export function RestTimer() {
  const [timer, setTimer] = useState(restState);
  useEffect(() => onRest(setTimer), []);
  useEffect(() => {
    document.body.classList.toggle("resting", Boolean(timer));
  }, [Boolean(timer)]);
  if (!timer) return null;
  const left = Math.max(0, Math.ceil((timer.endsAt - Date.now()) / 1000));
  const adjust = (delta) => {
    const seconds = adjustRest(delta);
    if (seconds) setRest(timer.exercise, seconds);
  };
  return html`<div class="rest" data-testid="rest-timer" data-seconds=${timer.seconds}>
    <span class="rest-time" role="timer" aria-label=${`Rest, ${left} seconds left`}>
      Rest <strong>${clock(left)}</strong>
    </span>
    <button type="button" class="step" aria-label=${`Rest ${REST_STEP_S} seconds less for ${exerciseName(timer.exercise)}`}
      data-testid="rest-less" onClick=${() => adjust(-REST_STEP_S)}>−${REST_STEP_S}</button>
    <button type="button" class="step" aria-label=${`Rest ${REST_STEP_S} seconds more for ${exerciseName(timer.exercise)}`}
      data-testid="rest-more" onClick=${() => adjust(REST_STEP_S)}>+${REST_STEP_S}</button>
    <button type="button" data-testid="rest-skip" onClick=${stopRest}>Skip</button>
  </div>`;
}
