// Find an exercise by typing: recent ones first, then by body part; matching ignores case and
// accents. Used on Log and where a workout or a routine gains an exercise.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { html } from "./html.js";
import { folded } from "../names.js";
import { exerciseName, replica } from "../store.js";

export const LIMB_GROUPS = [
  ["leg", "Legs"],
  ["arm", "Arms"],
  ["other", "Other"],
];

/** [[group label, [{id, name}]]] matching `query`: Recent, then Legs, Arms, Other. */
export function searchGroups(query, catalogue, customs, recent, exclude = []) {
  const all = [...catalogue, ...customs].filter((e) => e.name && !exclude.includes(e.id));
  const hit = (e) => folded(e.name).includes(folded(query));
  const recentItems = recent
    .map((id) => all.find((e) => e.id === id))
    .filter((e) => e && hit(e));
  const groups = [["Recent", recentItems]];
  for (const [limb, label] of LIMB_GROUPS) {
    groups.push([label, all.filter((e) => e.limb === limb && hit(e) && !recentItems.includes(e))]);
  }
  return groups.filter(([, items]) => items.length > 0);
}

/** The search box and its matches; opened to be typed in, so it takes the focus unless `focus`
 * is false (shown with a form whose first field comes first). `Heading` ("h2", "h3") keeps the
 * page's outline in order. */
export function ExerciseSearch({
  catalogue,
  revision,
  exclude = [],
  onPick,
  label = "Add",
  Heading = "h3",
  focus = true,
}) {
  const [query, setQuery] = useState("");
  const box = useRef(null);
  useEffect(() => {
    if (focus) box.current?.focus();
  }, []);
  const customs = useMemo(() => replica.customExercises(), [revision]);
  const recent = useMemo(() => replica.recentExercises(8), [revision]);
  const groups = searchGroups(query, catalogue, customs, recent, exclude);
  return html`<div class="search" data-testid="exercise-search">
    <label for="exercise-query">Find an exercise</label>
    <input id="exercise-query" ref=${box} type="search" data-testid="exercise-query"
      autocomplete="off"
      value=${query} onInput=${(e) => setQuery(e.currentTarget.value)} />
    ${groups.length === 0 && html`<p class="hint">No exercise matches “${query}”.</p>`}
    ${groups.map(
      ([group, items]) => html`<${Heading}>${group}</${Heading}>
        <ul class="plain-list picks">
          ${items.map(
            (e) => html`<li>
              <button type="button" class="pick" data-testid="pick-exercise" data-exercise=${e.id}
                onClick=${() => onPick(e.id)}>
                <span class="sr-only">${label} </span>${exerciseName(e.id)}
              </button>
            </li>`,
          )}
        </ul>`,
    )}
  </div>`;
}
