"""Realistic multi-week training histories shared by the domain tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from backend.domain.strength import SetEntry, Side

# Monday 5 January 2026, 18:00 UTC: the first training day of every history.
START = datetime(2026, 1, 5, 18, 0, tzinfo=UTC)
TRAINING_DAYS = (0, 2, 4)  # Monday, Wednesday, Friday


def at(day: int, minute: int = 0) -> int:
    return int((START + timedelta(days=day, minutes=minute)).timestamp() * 1000)


def sets_of(
    exercise: str, day: int, side: Side, weight_g: int, reps: int, n: int = 3
) -> list[SetEntry]:
    return [
        SetEntry(
            exercise=exercise, side=side, reps=reps, weight_g=weight_g, performed_at=at(day, i)
        )
        for i in range(n)
    ]


def weekly(weeks: range, left_kg: float | None, right_kg: float | None, ex: str) -> list[SetEntry]:
    out: list[SetEntry] = []
    for week in weeks:
        for d in TRAINING_DAYS:
            day = week * 7 + d
            if left_kg is not None:
                out += sets_of(ex, day, "left", int(left_kg * 1000), 8)
            if right_kg is not None:
                out += sets_of(ex, day, "right", int(right_kg * 1000), 8)
    return out


def acl(through_week: int, left_kg: float = 60, right_peak_kg: float = 57) -> list[SetEntry]:
    """Right knee hurt on day 0 after two 62 kg weeks; the right leg climbs back from 30 kg."""
    ex = "leg_extension"
    history = weekly(range(-2, 0), 62, 62, ex)
    for week in range(through_week):
        right = 30 + (right_peak_kg - 30) * week / 5
        history += weekly(range(week, week + 1), left_kg, right, ex)
    return history


def steady(left_kg: float, right_kg: float, weeks: int = 4, ex: str = "db_row") -> list[SetEntry]:
    return weekly(range(weeks), left_kg, right_kg, ex)


def injured_arm(test_days: tuple[int, ...], test_kg: float) -> list[SetEntry]:
    """Left wrist in a cast from day 0: the right arm trains alone, the left only does test sets."""
    ex = "db_curl"
    history = weekly(range(-2, 0), 20, 20, ex) + weekly(range(4), None, 22, ex)
    for day in test_days:
        history += sets_of(ex, day, "left", int(test_kg * 1000), 8, n=1)
        history += sets_of(ex, day, "right", 22_000, 8)
    return history


def noisy(ex: str = "db_row") -> list[SetEntry]:
    """Balanced at 50 kg, except one Wednesday the right side managed a single poor set."""
    history = [
        s
        for s in steady(50, 50, ex=ex)
        if not (s.side == "right" and s.performed_at // 86_400_000 == at(16) // 86_400_000)
    ]
    return history + sets_of(ex, 16, "right", 35_000, 8, n=1)
