// Sets shown as left/right pairs side by side (History and the Log screen's "today" list).
import { html } from "./html.js";
import { pairSides } from "../records.js";
import { formatDetails, formatSet, sideName, timeLabel } from "../units.js";

function SetCell({ set, units, onPick, side }) {
  if (!set) return html`<div class=${`cell empty side-${side}`} aria-hidden="true"></div>`;
  const details = formatDetails(set);
  const body = html`<span class="tag">${sideName(set.side)}</span>
    <span class="main">${formatSet(set, units)}</span>
    ${details && html`<span class="sub">${details}</span>`}
    ${set.note && html`<span class="sub note">${set.note}</span>`}
    <span class="sub time">${timeLabel(set.performed_at)}</span>`;
  // The visible text is the button's name: "Edit set: Left 8 × 20 kg 09:41".
  return onPick
    ? html`<button type="button" class=${`cell side-${set.side}`} data-testid="set"
        data-set-id=${set.id} data-side=${set.side} onClick=${() => onPick(set.id)}>
        <span class="sr-only">Edit set: </span>${body}
      </button>`
    : html`<div class=${`cell side-${set.side}`} data-testid="set" data-set-id=${set.id}
        data-side=${set.side}>${body}</div>`;
}

/** A table-like grid: a Left column and a Right column, then sets done on both sides. */
export function Pairs({ sets, units, onPick, editor }) {
  const { rows, both } = pairSides(sets);
  const isEditing = (set) => set && editor?.id === set.id;
  return html`<div class="pairs">
    ${
      rows.length > 0 &&
      html`<div class="pair head" aria-hidden="true">
        <span class="side-left">Left</span><span class="side-right">Right</span>
      </div>`
    }
    ${rows.map(
      ({ left, right }) => html`<div class="pair">
          <${SetCell} set=${left} side="left" units=${units} onPick=${onPick} />
          <${SetCell} set=${right} side="right" units=${units} onPick=${onPick} />
        </div>
        ${(isEditing(left) || isEditing(right)) && editor.node}`,
    )}
    ${both.map(
      (set) => html`<div class="pair one">
          <${SetCell} set=${set} side="both" units=${units} onPick=${onPick} />
        </div>
        ${isEditing(set) && editor.node}`,
    )}
  </div>`;
}
