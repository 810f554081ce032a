"""Hamstring-to-quadriceps ratio per leg, from machine training.

H:Q = leg-curl e1RM ÷ leg-extension e1RM of the same leg, on days the leg did both (catalogue
exercises tagged ``hq-hamstring`` and ``hq-quadriceps``). The conventional reference is 0.6;
a leg is flagged when its two latest sessions are both below it. Isokinetic dynamometer norms
do not transfer to isotonic machines, so the ratio is best compared over time and between legs.
Ratios are integers in thousandths and compared by cross-multiplication.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import msgspec

from backend.domain.catalogue import tagged
from backend.domain.strength import DayFigures, Formula, Limb

HAMSTRING = tagged("hq-hamstring")
QUADRICEPS = tagged("hq-quadriceps")
REFERENCE_X1000 = 600
SESSIONS_TO_FLAG = 2
HQ_FORMULA = "H:Q = leg-curl e1RM ÷ leg-extension e1RM, same leg, same day"
HQ_NOTE = (
    "The 0.6 reference comes from isokinetic testing; ratios from isotonic machines differ, "
    "so compare them over time and between legs rather than against the number."
)


class HqSession(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    hamstring_e1rm_g: int
    quadriceps_e1rm_g: int
    ratio_x1000: int  # rounded half up


class LegHq(msgspec.Struct, frozen=True, kw_only=True):
    side: Limb
    sessions: tuple[HqSession, ...]  # oldest first
    latest_x1000: int | None
    below: bool  # the latest SESSIONS_TO_FLAG sessions are all below the reference


class Hq(msgspec.Struct, frozen=True, kw_only=True):
    formula: str
    reference_x1000: int
    note: str
    legs: tuple[LegHq, ...]  # left, right

    @property
    def flagged(self) -> tuple[Limb, ...]:
        return tuple(leg.side for leg in self.legs if leg.below)


def hq(figures: Iterable[DayFigures], formula: Formula = "epley") -> Hq:
    """Each leg's ratio on every day it did both movements (the best of each that day)."""
    best: dict[tuple[str, Limb, date], int] = {}
    for f in figures:
        group = "h" if f.exercise in HAMSTRING else "q" if f.exercise in QUADRICEPS else None
        day_best = f.best(formula)
        if group is None or day_best is None:
            continue
        key = (group, f.side, f.day)
        best[key] = max(best.get(key, 0), day_best.e1rm_g)
    legs = []
    for side in ("left", "right"):
        sessions = tuple(
            HqSession(day=day, hamstring_e1rm_g=h, quadriceps_e1rm_g=q, ratio_x1000=_ratio(h, q))
            for (group, s, day), h in sorted(best.items(), key=lambda kv: kv[0][2])
            if group == "h" and s == side
            for q in (best.get(("q", side, day), 0),)
            if q > 0
        )
        recent = sessions[-SESSIONS_TO_FLAG:]
        below = len(recent) == SESSIONS_TO_FLAG and all(
            s.hamstring_e1rm_g * 1000 < REFERENCE_X1000 * s.quadriceps_e1rm_g for s in recent
        )
        latest = sessions[-1].ratio_x1000 if sessions else None
        legs.append(LegHq(side=side, sessions=sessions, latest_x1000=latest, below=below))
    return Hq(formula=HQ_FORMULA, reference_x1000=REFERENCE_X1000, note=HQ_NOTE, legs=tuple(legs))


def _ratio(hamstring: int, quadriceps: int) -> int:
    return (2000 * hamstring + quadriceps) // (2 * quadriceps)
