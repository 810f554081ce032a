"""What a reminder says: the notification for the limb being trained, e.g.

    title "Left leg day", body "Single-leg press 3 × 8, slow eccentric"

``reminder_message(limb, exercises, prescription, trained_today) -> Notification | None``

- ``limb``: the limb the reminder is for (``left_arm`` … ``right_leg``); in cross-education mode
  the caller passes the trained (free) limb, never the injured one.
- ``exercises``: ``(id, name)`` pairs in the reminder's order; the names are resolved by the
  caller (catalogue or the user's own exercise records). One body line per exercise.
- ``prescription``: the cross-education plan's ``Prescription`` for each exercise (sets, reps and
  eccentric tempo as ranges; a range whose ends agree reads as one number), or None for a plain
  reminder.
- ``trained_today``: the user already logged a set for that limb on the reminder's local day;
  then there is nothing to remind of and the result is None.

Tapping the notification opens the log screen on the first exercise and the limb's side. The
tag is per limb, so a newer reminder for the same limb replaces one still on screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal
from urllib.parse import urlencode

from backend.domain.cross_education import Prescription
from backend.domain.notification import Notification

ReminderLimb = Literal["left_arm", "right_arm", "left_leg", "right_leg"]


def _span(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def describe(prescription: Prescription) -> str:
    """``3 × 8``, ``3–5 × 6–10, slow eccentric``: what a notification line has room for."""
    text = f"{_span(prescription.sets_min, prescription.sets_max)} × "
    text += _span(prescription.reps_min, prescription.reps_max)
    # Slow lowering is what transfers most to the other limb (Manca 2017), so it is named.
    return f"{text}, slow eccentric" if prescription.eccentric_ms_min > 0 else text


def reminder_message(
    limb: ReminderLimb,
    exercises: Sequence[tuple[str, str]],
    prescription: Prescription | None,
    trained_today: bool,
) -> Notification | None:
    """The reminder's notification, or None when that limb was already trained that day."""
    if trained_today:
        return None
    side, part = limb.split("_")
    title = f"{side.capitalize()} {part} day"
    if exercises:
        dose = f" {describe(prescription)}" if prescription is not None else ""
        body = "\n".join(f"{name}{dose}" for _id, name in exercises)
        query = {"exercise": exercises[0][0], "side": side}
    else:
        body = f"Time to train your {side} {part}."
        query = {"side": side}
    return Notification(
        title=title, body=body, tag=f"reminder-{limb}", url="/#/log?" + urlencode(query)
    )
