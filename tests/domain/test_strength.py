"""Estimated 1RM, daily bests and weekly volume from logged sets."""

from __future__ import annotations

from datetime import UTC, date, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.strength import (
    Formula,
    SetEntry,
    Side,
    daily_best,
    e1rm,
    local_day,
    weekly_volume,
)
from tests.domain.histories import at


@pytest.mark.parametrize(
    ("weight_g", "reps", "formula", "expected", "low_confidence"),
    [
        (100_000, 1, "epley", 100_000, False),  # a single is its own max
        (100_000, 1, "brzycki", 100_000, False),
        (100_000, 10, "epley", 133_333, False),  # 100 × (1 + 10/30)
        (100_000, 10, "brzycki", 133_333, False),  # 100 × 36/27
        (60_000, 5, "epley", 70_000, False),
        (60_000, 5, "brzycki", 67_500, False),  # 60 × 36/32
        (40_000, 12, "epley", 56_000, False),
        (40_000, 13, "epley", 57_333, True),  # beyond 12 reps: shown, but marked
        (0, 10, "epley", 0, False),  # bodyweight-only entry
    ],
)
def test_e1rm_table(
    weight_g: int, reps: int, formula: Formula, expected: int, low_confidence: bool
) -> None:
    est = e1rm(weight_g, reps, formula)
    assert est is not None
    assert (est.e1rm_g, est.low_confidence, est.formula) == (expected, low_confidence, formula)


@pytest.mark.parametrize(("reps", "formula"), [(0, "epley"), (0, "brzycki"), (37, "brzycki")])
def test_e1rm_undefined(reps: int, formula: Formula) -> None:
    assert e1rm(50_000, reps, formula) is None


@given(
    st.integers(0, 500_000),
    st.integers(1, 1000),
    st.integers(1, 36),
    st.sampled_from(["epley", "brzycki"]),
)
def test_e1rm_increases_with_weight_and_reps(w: int, dw: int, r: int, formula: Formula) -> None:
    base = e1rm(w, r, formula)
    heavier = e1rm(w + dw, r, formula)
    assert base is not None
    assert heavier is not None
    assert heavier.e1rm_g > base.e1rm_g
    if r < 36:
        more = e1rm(w, r + 1, formula)
        assert more is not None
        assert more.e1rm_g >= base.e1rm_g
        if w >= 1000:  # a kilogram or more: one more rep is worth whole grams
            assert more.e1rm_g > base.e1rm_g


def test_session_day_follows_the_users_zone() -> None:
    late = at(0, minute=5 * 60 + 30)  # Monday 23:30 UTC
    assert local_day(late) == date(2026, 1, 5)
    assert local_day(late, ZoneInfo("Europe/Berlin")) == date(2026, 1, 6)
    assert local_day(late, timezone(timedelta(hours=-5))) == date(2026, 1, 5)


def _set(side: Side, weight_g: int, reps: int, day: int = 0, minute: int = 0) -> SetEntry:
    return SetEntry(
        exercise="squat",
        side=side,
        reps=reps,
        weight_g=weight_g,
        performed_at=at(day, minute),
    )


def test_daily_best_per_side_prefers_confident_sets() -> None:
    sets = [
        _set("left", 80_000, 5),  # 93 333
        _set("left", 60_000, 15, minute=1),  # 90 000, low confidence
        _set("right", 50_000, 20),  # 83 333, low confidence, the only right set
        _set("both", 120_000, 5),  # bilateral: no side to credit
        _set("left", 90_000, 1, day=1),
        SetEntry(exercise="bench", side="left", reps=5, weight_g=200_000, performed_at=at(0)),
    ]
    bests = daily_best(sets, "squat", UTC)
    assert [(b.day.day, b.side, b.e1rm_g, b.low_confidence) for b in bests] == [
        (5, "left", 93_333, False),
        (5, "right", 83_333, True),
        (6, "left", 90_000, False),
    ]
    # Even a higher estimate from a 15-rep set does not beat a confident one on the same day.
    sets.append(_set("left", 70_000, 15, minute=2))  # 105 000, low confidence
    assert daily_best(sets, "squat")[0].e1rm_g == 93_333


def test_weekly_volume_per_side_and_iso_week() -> None:
    sets = [
        _set("left", 50_000, 10),  # Monday week 1
        _set("right", 40_000, 10, day=2),
        _set("both", 100_000, 10, day=2),
        _set("left", 50_000, 8, day=6),  # Sunday, same week
        _set("right", 45_000, 8, day=7),  # next Monday
    ]
    assert [(v.week_start, v.left, v.right, v.sessions) for v in weekly_volume(sets, "squat")] == [
        (date(2026, 1, 5), 900_000, 400_000, 3),
        (date(2026, 1, 12), 0, 360_000, 1),
    ]


@given(
    sets=st.lists(
        st.builds(
            SetEntry,
            exercise=st.just("ex"),
            side=st.sampled_from(["left", "right"]),
            reps=st.integers(0, 20),
            weight_g=st.sampled_from([0, 20_000, 60_000, 75_000, 100_000]),
            performed_at=st.integers(at(0), at(3)),
        ),
        max_size=30,
    ),
    formula=st.sampled_from(["epley", "brzycki"]),
)
def test_daily_best_does_not_depend_on_order(sets: list[SetEntry], formula: Formula) -> None:
    assert daily_best(sets, "ex", formula=formula) == daily_best(sets[::-1], "ex", formula=formula)
