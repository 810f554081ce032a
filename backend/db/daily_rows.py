"""Rows of ``set_daily`` to and from the domain's per-day figures (one mapping for all users)."""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.domain.strength import LOW_CONFIDENCE_ABOVE_REPS, DailyBest, DayFigures, Limb

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
# Everything after the account id, in COLUMNS order, for reads.
READ_COLUMNS = COLUMNS[1:]


def row_of(account_id: int, f: DayFigures) -> tuple[Any, ...]:
    def best(b: DailyBest | None) -> tuple[int | None, int | None, int | None]:
        return (None, None, None) if b is None else (b.e1rm_g, b.weight_g, b.reps)

    return (
        account_id,
        f.exercise,
        f.day.isoformat(),
        f.side,
        f.sets,
        f.volume,
        *best(f.epley),
        *best(f.brzycki),
    )


def figures_of(row: tuple[Any, ...]) -> DayFigures:
    """A row read as READ_COLUMNS back into figures."""
    exercise, day_text, side_text, sets, volume, *bests = row
    day = date.fromisoformat(day_text)
    side: Limb = "left" if side_text == "left" else "right"

    def best(e1rm_g: int | None, weight_g: int | None, reps: int | None) -> DailyBest | None:
        if e1rm_g is None or weight_g is None or reps is None:
            return None
        return DailyBest(
            day=day,
            side=side,
            e1rm_g=e1rm_g,
            weight_g=weight_g,
            reps=reps,
            low_confidence=reps > LOW_CONFIDENCE_ABOVE_REPS,
        )

    return DayFigures(
        exercise=exercise,
        day=day,
        side=side,
        sets=sets,
        volume=volume,
        epley=best(*bests[:3]),
        brzycki=best(*bests[3:]),
    )
