"""The series of one exercise's chart: per-side daily best e1RM, LSI, weekly volume, baseline.

Built from per-day figures (``DailyBest`` and ``WeeklyVolume``) so the server can feed it from its
daily aggregate and a test from raw sets, and both must give the same chart. Swapping left and
right swaps the series and leaves the LSI unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, timedelta, tzinfo
from operator import attrgetter

import msgspec

from backend.domain.errors import InvalidInput
from backend.domain.records import EARLIEST_MS, LATEST_MS
from backend.domain.strength import (
    DailyBest,
    Formula,
    Limb,
    SetEntry,
    WeeklyVolume,
    daily_best,
    weekly_volume,
)
from backend.domain.symmetry import LSI_INJURED, LSI_UNINJURED, SessionLsi, lsi_series

_WEEK_END = timedelta(days=6)
_BY_DAY_THEN_SIDE = attrgetter("day", "side")
_EPOCH = date(1970, 1, 1)
# The local days a set can fall on: performed_at spans EARLIEST_MS..LATEST_MS (UTC) and no time
# zone is a whole day away from UTC. A chart is asked for days within them, never for days
# whose week arithmetic would leave the calendar.
FIRST_DAY = _EPOCH + timedelta(milliseconds=EARLIEST_MS) - timedelta(days=1)
LAST_DAY = _EPOCH + timedelta(milliseconds=LATEST_MS) + timedelta(days=1)


def check_range(start: date | None, end: date | None) -> None:
    """Refuse a chart range outside the days sets can be logged on, or ending before it starts."""
    for name, day in (("from", start), ("to", end)):
        if day is not None and not FIRST_DAY <= day <= LAST_DAY:
            raise InvalidInput(
                f"{name} must be a day from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}",
                code="date_out_of_range",
            )
    if start is not None and end is not None and start > end:
        raise InvalidInput("from must not be after to", code="invalid_range")


class Baseline(msgspec.Struct, frozen=True, kw_only=True):
    """The injured limb's best e1RM before the injury: the line its recovery is measured against."""

    side: Limb
    e1rm_g: int
    day: date  # when that best was set
    injured_since: date


class Chart(msgspec.Struct, frozen=True, kw_only=True):
    exercise: str
    formula: Formula
    injured: Limb | None
    days: tuple[DailyBest, ...]  # by day, then left before right
    lsi: tuple[SessionLsi, ...]  # days on which both sides were trained
    lsi_formula: str
    volume: tuple[WeeklyVolume, ...]  # oldest week first
    baseline: Baseline | None


def chart(
    exercise: str,
    bests: Iterable[DailyBest],
    volume: Iterable[WeeklyVolume],
    *,
    formula: Formula = "epley",
    injured: Limb | None = None,
    injured_since: date | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Chart:
    """One exercise's chart between ``start`` and ``end`` (inclusive, local days).

    ``bests`` may reach back before ``start``: the baseline is the injured side's best before
    ``injured_since`` whatever the range shown.
    """
    every = sorted(bests, key=_BY_DAY_THEN_SIDE)
    baseline = None
    if injured is not None and injured_since is not None:
        before = [b for b in every if b.side == injured and b.day < injured_since]
        if before:
            top = max(before, key=lambda b: (b.e1rm_g, b.day))
            baseline = Baseline(
                side=injured, e1rm_g=top.e1rm_g, day=top.day, injured_since=injured_since
            )
    shown = (
        tuple(every)
        if start is None and end is None
        else tuple(b for b in every if _within(b.day, start, end))
    )
    # A week is shown when any of its days is.
    weeks = tuple(
        w
        for w in sorted(volume, key=lambda w: w.week_start)
        if _within(w.week_start, start and start - _WEEK_END, end)
    )
    return Chart(
        exercise=exercise,
        formula=formula,
        injured=injured,
        days=shown,
        lsi=lsi_series(shown, injured),
        lsi_formula=LSI_INJURED if injured else LSI_UNINJURED,
        volume=weeks,
        baseline=baseline,
    )


def chart_of_sets(
    sets: Iterable[SetEntry],
    exercise: str,
    *,
    zone: tzinfo = UTC,
    formula: Formula = "epley",
    injured: Limb | None = None,
    injured_since: date | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Chart:
    """The chart straight from raw sets: what the app computes on the device, and what the
    server's aggregate must reproduce."""
    sets = tuple(sets)
    return chart(
        exercise,
        daily_best(sets, exercise, zone, formula),
        weekly_volume(sets, exercise, zone),
        formula=formula,
        injured=injured,
        injured_since=injured_since,
        start=start,
        end=end,
    )


def _within(day: date, start: date | None, end: date | None) -> bool:
    return (start is None or day >= start) and (end is None or day <= end)
