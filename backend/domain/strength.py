"""Strength from everyday sets: estimated 1RM, per-side daily best and weekly volume load.

Everything here is a pure function of the sets passed in; weights are integer grams and instants
epoch milliseconds. A "session" is one calendar day of one exercise in the user's own time zone,
because a late-evening set belongs to the workout the user remembers, not to the UTC date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Literal

import msgspec

Side = Literal["left", "right", "both"]
Limb = Literal["left", "right"]
Formula = Literal["epley", "brzycki"]

# Rep-max equations drift apart and overestimate beyond about a dozen reps, so such estimates are
# shown but marked; they only count as a day's best when no heavier set was logged that day.
LOW_CONFIDENCE_ABOVE_REPS = 12
# Brzycki's denominator (37 − r) reaches zero at 37 reps; past 36 it has no meaning.
BRZYCKI_MAX_REPS = 36


class SetEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One logged set, as the domain sees it."""

    exercise: str
    side: Side
    reps: int
    weight_g: int
    performed_at: int  # epoch ms


class Estimate(msgspec.Struct, frozen=True, kw_only=True):
    e1rm_g: int
    formula: Formula
    low_confidence: bool


class DailyBest(msgspec.Struct, frozen=True, kw_only=True):
    """The best estimated 1RM of one side on one day, with the set it came from."""

    day: date
    side: Limb
    e1rm_g: int
    weight_g: int
    reps: int
    low_confidence: bool


class WeeklyVolume(msgspec.Struct, frozen=True, kw_only=True):
    """Volume load (Σ weight × reps, in gram-reps) per side for the ISO week starting Monday."""

    week_start: date
    left: int
    right: int
    sessions: int  # days with at least one per-side set of the exercise


def _div_round(numerator: int, denominator: int) -> int:
    """Integer division rounded half up, so stored grams never carry float noise."""
    return (2 * numerator + denominator) // (2 * denominator)


def e1rm(weight_g: int, reps: int, formula: Formula = "epley") -> Estimate | None:
    """Estimated one-rep max in grams; None when the set says nothing about maximal strength."""
    if reps < 1 or weight_g < 0:
        return None
    if reps == 1:
        value = weight_g  # a single is its own max under every formula
    elif formula == "epley":
        value = _div_round(weight_g * (30 + reps), 30)
    else:
        if reps > BRZYCKI_MAX_REPS:
            return None
        value = _div_round(weight_g * 36, 37 - reps)
    return Estimate(e1rm_g=value, formula=formula, low_confidence=reps > LOW_CONFIDENCE_ABOVE_REPS)


def local_day(performed_at_ms: int, zone: tzinfo = UTC) -> date:
    """The user's calendar day of an instant; the zone (ZoneInfo or fixed offset) is an argument."""
    return datetime.fromtimestamp(performed_at_ms / 1000, tz=zone).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _per_side(sets: Iterable[SetEntry], exercise: str) -> Iterable[SetEntry]:
    # Bilateral ("both") sets cannot tell the sides apart, so per-side series leave them out.
    return (s for s in sets if s.exercise == exercise and s.side != "both")


def daily_best(
    sets: Iterable[SetEntry], exercise: str, zone: tzinfo = UTC, formula: Formula = "epley"
) -> tuple[DailyBest, ...]:
    """Best e1RM per (day, side), by day then side; confident sets beat low-confidence ones."""
    best: dict[tuple[date, Limb], DailyBest] = {}
    for s in _per_side(sets, exercise):
        est = e1rm(s.weight_g, s.reps, formula)
        if est is None:
            continue
        side: Limb = "left" if s.side == "left" else "right"
        candidate = DailyBest(
            day=local_day(s.performed_at, zone),
            side=side,
            e1rm_g=est.e1rm_g,
            weight_g=s.weight_g,
            reps=s.reps,
            low_confidence=est.low_confidence,
        )
        key = (candidate.day, side)
        current = best.get(key)
        if current is None or _rank(candidate) > _rank(current):
            best[key] = candidate
    return tuple(best[k] for k in sorted(best))


def _rank(b: DailyBest) -> tuple[bool, int, int]:
    # Ties on e1RM go to the heavier set, which is the more direct measure of strength.
    return (not b.low_confidence, b.e1rm_g, b.weight_g)


def weekly_volume(
    sets: Iterable[SetEntry], exercise: str, zone: tzinfo = UTC
) -> tuple[WeeklyVolume, ...]:
    """Σ weight × reps per side and ISO week (Monday start, user's zone), oldest week first."""
    totals: dict[date, list[int]] = {}
    days: dict[date, set[date]] = {}
    for s in _per_side(sets, exercise):
        day = local_day(s.performed_at, zone)
        week = week_start(day)
        pair = totals.setdefault(week, [0, 0])
        pair[0 if s.side == "left" else 1] += s.weight_g * s.reps
        days.setdefault(week, set()).add(day)
    return tuple(
        WeeklyVolume(week_start=w, left=totals[w][0], right=totals[w][1], sessions=len(days[w]))
        for w in sorted(totals)
    )
