"""``set_weekly``: each side's volume of one exercise per local ISO week, summed from the week's
``set_daily`` rows (already in the account's zone), and the all-time chart's read of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from backend.db.connection import Connection
from backend.db.driver import execute, execute_many, fetch, is_pg
from backend.domain.strength import WeeklyVolume

_SUMS = (
    "SUM(CASE WHEN d.side = 'left' THEN d.volume ELSE 0 END), "
    "SUM(CASE WHEN d.side = 'right' THEN d.volume ELSE 0 END), COUNT(DISTINCT d.day)"
)
_INSERT = "INSERT INTO set_weekly (account_id, exercise, week, left_volume, right_volume, sessions)"

# (exercise, Monday, Sunday) as ISO days: one week of one exercise
WeekKey = tuple[str, str, str]


async def refresh(conn: Connection, account_id: int, weeks: Sequence[WeekKey]) -> None:
    """Re-sum these weeks from their days in ``set_daily``; a week left without days goes."""
    if not weeks:
        return
    if is_pg(conn):
        exercises, mondays, sundays = (list(values) for values in zip(*weeks, strict=True))
        await execute(
            conn,
            "DELETE FROM set_weekly w USING unnest(?::text[], ?::text[]) AS k(ex, wk) "
            "WHERE w.account_id = ? AND w.exercise = k.ex AND w.week = k.wk",
            (exercises, mondays, account_id),
        )
        await execute(
            conn,
            f"{_INSERT} SELECT d.account_id, k.ex, k.wk, {_SUMS} "  # noqa: S608
            "FROM unnest(?::text[], ?::text[], ?::text[]) AS k(ex, wk, last) "
            "JOIN set_daily d ON d.account_id = ? AND d.exercise = k.ex "
            "AND d.day >= k.wk AND d.day <= k.last GROUP BY d.account_id, k.ex, k.wk",
            (exercises, mondays, sundays, account_id),
        )
        return
    await execute_many(
        conn,
        "DELETE FROM set_weekly WHERE account_id = ? AND exercise = ? AND week = ?",
        [(account_id, exercise, monday) for exercise, monday, _ in weeks],
    )
    await execute_many(
        conn,
        f"{_INSERT} SELECT d.account_id, d.exercise, ?, {_SUMS} FROM set_daily d "  # noqa: S608
        "WHERE d.account_id = ? AND d.exercise = ? AND d.day >= ? AND d.day <= ? "
        "GROUP BY d.account_id, d.exercise",
        [(monday, account_id, exercise, monday, sunday) for exercise, monday, sunday in weeks],
    )


async def weeks(conn: Connection, account_id: int, exercise: str) -> list[WeeklyVolume]:
    """Every week of one exercise, oldest first."""
    sql = (
        "SELECT week, left_volume, right_volume, sessions FROM set_weekly "
        "WHERE account_id = ? AND exercise = ? ORDER BY week"
    )
    return [
        WeeklyVolume(
            week_start=date.fromisoformat(week), left=int(left), right=int(right), sessions=n
        )
        for week, left, right, n in await fetch(conn, sql, (account_id, exercise))
    ]
