"""Routines, workouts and a set's workout: the fields and values the server accepts."""

from __future__ import annotations

import pytest

from backend.domain.records import FieldError, check_field

WORKOUT_ID = "019aa000-0000-7000-8000-000000000001"


@pytest.mark.parametrize(
    ("record_type", "field", "value"),
    [
        ("routine", "name", "Leg day"),
        ("routine", "exercises", "single-leg-press,single-leg-curl"),
        ("routine", "rows", "3,4"),
        ("routine", "rows", ""),
        ("workout", "routine", None),
        ("workout", "routine", WORKOUT_ID),
        ("workout", "started_at", 1_764_000_000_000),
        ("workout", "finished_at", None),
        ("workout", "name", None),
        ("set", "workout", WORKOUT_ID),
        ("set", "workout", None),
    ],
)
def test_accepted(record_type: str, field: str, value: str | int | None) -> None:
    check_field(record_type, field, value)


@pytest.mark.parametrize(
    ("record_type", "field", "value"),
    [
        ("routine", "name", ""),
        ("routine", "rows", "3,,4"),
        ("routine", "rows", "100"),
        ("routine", "rows", 3),
        ("routine", "exercises", "single-leg-press,unknown"),
        ("workout", "routine", "yesterday"),
        ("workout", "finished_at", 5),
        ("set", "workout", 7),
    ],
)
def test_refused(record_type: str, field: str, value: str | int | None) -> None:
    with pytest.raises(FieldError):
        check_field(record_type, field, value)
