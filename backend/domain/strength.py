"""Strength from everyday sets: estimated 1RM, per-side daily best and weekly volume load.

Everything here is a pure function of the sets passed in; weights are integer grams and instants
epoch milliseconds. A "session" is one calendar day of one exercise in the user's own time zone,
because a late-evening set belongs to the workout the user remembers, not to the UTC date.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, timedelta, tzinfo
from typing import Literal

import msgspec

from backend.domain.zone_days import zone_days

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
    return zone_days(zone).day(performed_at_ms)


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def _per_side(sets: Iterable[SetEntry], exercise: str) -> Iterable[SetEntry]:
    # Bilateral ("both") sets cannot tell the sides apart, so per-side series leave them out.
    return (s for s in sets if s.exercise == exercise and s.side != "both")


class DayFigures(msgspec.Struct, frozen=True, array_like=True):
    """One side's training of one exercise on one local day: what charts and alerts read.

    The best set is kept under each formula because the two can rank sets differently; a day
    whose sets estimate no max (0 reps) has None there. Flat and array-like, so the server's
    daily aggregate rows convert to it in one C call.
    """

    exercise: str
    day: date
    side: Limb
    sets: int
    volume: int  # Σ weight_g × reps
    epley_e1rm_g: int | None
    epley_weight_g: int | None
    epley_reps: int | None
    brzycki_e1rm_g: int | None
    brzycki_weight_g: int | None
    brzycki_reps: int | None

    def best(self, formula: Formula) -> DailyBest | None:
        if formula == "epley":
            e1rm_g, weight_g, reps = self.epley_e1rm_g, self.epley_weight_g, self.epley_reps
        else:
            e1rm_g, weight_g, reps = self.brzycki_e1rm_g, self.brzycki_weight_g, self.brzycki_reps
        if e1rm_g is None or weight_g is None or reps is None:
            return None
        return DailyBest(
            day=self.day,
            side=self.side,
            e1rm_g=e1rm_g,
            weight_g=weight_g,
            reps=reps,
            low_confidence=reps > LOW_CONFIDENCE_ABOVE_REPS,
        )


def daily_figures(sets: Iterable[SetEntry], zone: tzinfo = UTC) -> tuple[DayFigures, ...]:
    """Per (exercise, day, side) figures of the per-side sets, by exercise, day, then side."""
    groups: dict[tuple[str, date, Limb], list[SetEntry]] = {}
    days = zone_days(zone)
    for s in sets:
        if s.side == "both":
            continue
        side: Limb = "left" if s.side == "left" else "right"
        groups.setdefault((s.exercise, days.day(s.performed_at), side), []).append(s)
    return tuple(day_figures(*key, groups[key]) for key in sorted(groups))


def day_figures(exercise: str, day: date, side: Limb, sets: Iterable[SetEntry]) -> DayFigures:
    """The figures of one side's sets of one exercise on one day (already grouped)."""
    sets = tuple(sets)
    epley = _best(sets, day, side, "epley")
    brzycki = _best(sets, day, side, "brzycki")
    return DayFigures(
        exercise,
        day,
        side,
        len(sets),
        sum(s.weight_g * s.reps for s in sets),
        *((None, None, None) if epley is None else (epley.e1rm_g, epley.weight_g, epley.reps)),
        *(
            (None, None, None)
            if brzycki is None
            else (brzycki.e1rm_g, brzycki.weight_g, brzycki.reps)
        ),
    )


def _best(sets: tuple[SetEntry, ...], day: date, side: Limb, formula: Formula) -> DailyBest | None:
    best: DailyBest | None = None
    for s in sets:
        est = e1rm(s.weight_g, s.reps, formula)
        if est is None:
            continue
        candidate = DailyBest(
            day=day,
            side=side,
            e1rm_g=est.e1rm_g,
            weight_g=s.weight_g,
            reps=s.reps,
            low_confidence=est.low_confidence,
        )
        if best is None or _rank(candidate) > _rank(best):
            best = candidate
    return best


def _rank(b: DailyBest) -> tuple[bool, int, int, int]:
    # Confident sets beat low-confidence ones; ties on e1RM go to the heavier set, the more
    # direct measure of strength, then to more reps (bodyweight sets all estimate 0), so the
    # best never depends on the order sets arrive in.
    return (not b.low_confidence, b.e1rm_g, b.weight_g, b.reps)


def bests_of(figures: Iterable[DayFigures], formula: Formula = "epley") -> tuple[DailyBest, ...]:
    """The daily bests in ``figures`` under ``formula``, skipping days with no estimate."""
    return tuple(b for f in figures if (b := f.best(formula)) is not None)


def weeks_of(figures: Iterable[DayFigures]) -> tuple[WeeklyVolume, ...]:
    """Σ weight × reps per side and ISO week (Monday start), oldest week first."""
    # Keyed by ordinals (day 1 = Monday 1 January of year 1): charts of years of history
    # group thousands of days, and integer keys are much cheaper than date arithmetic.
    totals: dict[int, list[int]] = {}
    days: dict[int, set[int]] = {}
    for f in figures:
        day = f.day.toordinal()
        week = day - (day - 1) % 7
        totals.setdefault(week, [0, 0])[0 if f.side == "left" else 1] += f.volume
        days.setdefault(week, set()).add(day)
    return tuple(
        WeeklyVolume(
            week_start=date.fromordinal(w),
            left=totals[w][0],
            right=totals[w][1],
            sessions=len(days[w]),
        )
        for w in sorted(totals)
    )


def daily_best(
    sets: Iterable[SetEntry], exercise: str, zone: tzinfo = UTC, formula: Formula = "epley"
) -> tuple[DailyBest, ...]:
    """Best e1RM per (day, side) of one exercise, by day then side."""
    return bests_of(daily_figures(_per_side(sets, exercise), zone), formula)


def weekly_volume(
    sets: Iterable[SetEntry], exercise: str, zone: tzinfo = UTC
) -> tuple[WeeklyVolume, ...]:
    """Σ weight × reps per side and ISO week (Monday start, user's zone), oldest week first."""
    return weeks_of(daily_figures(_per_side(sets, exercise), zone))
