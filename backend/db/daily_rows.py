"""Rows of ``set_daily`` to and from the domain's per-day figures (one mapping for all users)."""

from __future__ import annotations

from typing import Any

import msgspec

from backend.domain.strength import DayFigures

COLUMNS = (
    "account_id",
    "exercise",
    "day",
    "side",
    "sets",
    "volume",
    "epley_e1rm_g",
    "epley_weight_g",
    "epley_reps",
    "brzycki_e1rm_g",
    "brzycki_weight_g",
    "brzycki_reps",
)
# Everything after the account id, in COLUMNS order: exactly DayFigures' fields.
READ_COLUMNS = COLUMNS[1:]


def row_of(account_id: int, f: DayFigures) -> tuple[Any, ...]:
    exercise, day, *rest = msgspec.structs.astuple(f)
    return (account_id, exercise, day.isoformat(), *rest)


def figures_of(rows: list[Any]) -> list[DayFigures]:
    """Rows read as READ_COLUMNS back into figures (converted in C: charts read thousands)."""
    return msgspec.convert([tuple(row) for row in rows], list[DayFigures])
