"""``set_weekly``: one exercise's local ISO week, summed from its ``set_daily`` rows (already in
the account's zone): each side's volume, the days trained, and the week's daily bests under each
formula as JSON, so the all-time chart reads one row per week and decodes its points in C."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

import msgspec

from backend.db.connection import Connection
from backend.db.daily_rows import READ_COLUMNS, figures_of
from backend.db.driver import bigint, bulk, execute, execute_many, fetch, is_pg, text
from backend.domain.strength import (
    DailyBest,
    DayFigures,
    Formula,
    WeeklyVolume,
    bests_of,
    week_start,
    weeks_of,
)

COLUMNS = (
    "account_id",
    "exercise",
    "week",
    "left_volume",
    "right_volume",
    "sessions",
    "epley",
    "brzycki",
)
TYPED = [
    *bigint("account_id"),
    *text("exercise", "week"),
    *bigint("left_volume", "right_volume", "sessions"),
    *text("epley", "brzycki"),
]
_DAILY = ", ".join(READ_COLUMNS)
# The stored arrays are DailyBest as JSON: changing its fields needs a migration re-deriving them.
_BESTS = msgspec.json.Decoder(list[DailyBest])

# (exercise, first Monday, last Sunday) as ISO days: a run of whole weeks of one exercise
Window = tuple[str, str, str]


def windows_of(weeks: Iterable[tuple[str, date]]) -> list[Window]:
    """(exercise, Monday) weeks as windows, consecutive weeks of an exercise as one."""
    out: list[tuple[str, date, date]] = []
    for exercise, monday in sorted(set(weeks)):
        if out and out[-1][0] == exercise and out[-1][2] + timedelta(days=1) == monday:
            out[-1] = (exercise, out[-1][1], monday + timedelta(days=6))
        else:
            out.append((exercise, monday, monday + timedelta(days=6)))
    return [(exercise, first.isoformat(), last.isoformat()) for exercise, first, last in out]


def rows_of(account_id: int, figures: Iterable[DayFigures]) -> list[tuple[Any, ...]]:
    """The rows of every (exercise, week) these daily figures fall in (whole weeks)."""
    grouped: dict[tuple[str, date], list[DayFigures]] = {}
    for f in sorted(figures, key=lambda f: (f.day, f.side)):  # the points by day, then side
        grouped.setdefault((f.exercise, week_start(f.day)), []).append(f)
    rows = []
    for (exercise, monday), days in sorted(grouped.items()):
        (volume,) = weeks_of(days)
        rows.append(
            (
                account_id,
                exercise,
                monday.isoformat(),
                volume.left,
                volume.right,
                volume.sessions,
                msgspec.json.encode(bests_of(days, "epley")).decode(),
                msgspec.json.encode(bests_of(days, "brzycki")).decode(),
            )
        )
    return rows


async def days_in(conn: Connection, account_id: int, windows: Sequence[Window]) -> list[Any]:
    """The ``set_daily`` rows (as READ_COLUMNS) of the windows' days."""
    if not windows:
        return []
    if is_pg(conn):
        columns = [list(values) for values in zip(*windows, strict=True)]
        return await fetch(conn, DAYS_IN_PG, (*columns, account_id))
    # The windows as one JSON array, each an index range scan, as ``daily.sets_in`` does.
    sql = (
        f"SELECT {_DAILY} FROM json_each(?) AS win CROSS JOIN set_daily "  # noqa: S608
        "WHERE set_daily.account_id = ? AND set_daily.exercise = win.value ->> 0 "
        "AND set_daily.day >= win.value ->> 1 AND set_daily.day <= win.value ->> 2"
    )
    return await fetch(conn, sql, (msgspec.json.encode(windows).decode(), account_id))


# One index range scan per window, as ``daily.sets_in`` does.
DAYS_IN_PG = (
    f"SELECT {_DAILY} FROM unnest(?::text[], ?::text[], ?::text[]) AS k(ex, lo, hi) "  # noqa: S608
    "CROSS JOIN LATERAL (SELECT * FROM set_daily WHERE account_id = ? "
    "AND exercise = k.ex AND day >= k.lo AND day <= k.hi OFFSET 0) AS set_daily"
)


async def refresh(conn: Connection, account_id: int, windows: Sequence[Window]) -> None:
    """Re-derive the weeks of these windows from their days in ``set_daily``."""
    if windows:
        days = figures_of(await days_in(conn, account_id, windows))
        await replace(conn, account_id, windows, rows_of(account_id, days))


async def replace(
    conn: Connection, account_id: int, windows: Sequence[Window], rows: Sequence[tuple[Any, ...]]
) -> None:
    """The weeks of these windows become ``rows`` (``rows_of``)."""
    if is_pg(conn):
        exercises, mondays, sundays = (list(values) for values in zip(*windows, strict=True))
        await execute(
            conn,
            "DELETE FROM set_weekly w USING unnest(?::text[], ?::text[], ?::text[]) "
            "AS k(ex, lo, hi) WHERE w.account_id = ? AND w.exercise = k.ex "
            "AND w.week >= k.lo AND w.week <= k.hi",
            (exercises, mondays, sundays, account_id),
        )
    else:
        await execute_many(
            conn,
            "DELETE FROM set_weekly WHERE account_id = ? AND exercise = ? "
            "AND week >= ? AND week <= ?",
            [(account_id, *window) for window in windows],
        )
    await bulk(conn, "set_weekly", TYPED, rows, "")


async def all_time(
    conn: Connection, account_id: int, exercise: str, formula: Formula
) -> tuple[list[WeeklyVolume], list[DailyBest]]:
    """Every week's volume and every daily best of one exercise, oldest first."""
    bests = "epley" if formula == "epley" else "brzycki"  # a column name, never input
    sql = (
        f"SELECT week, left_volume, right_volume, sessions, {bests} FROM set_weekly "  # noqa: S608
        "WHERE account_id = ? AND exercise = ? ORDER BY week"
    )
    rows = await fetch(conn, sql, (account_id, exercise))
    weeks = [
        WeeklyVolume(
            week_start=date.fromisoformat(week), left=int(left), right=int(right), sessions=n
        )
        for week, left, right, n, _ in rows
    ]
    points = ",".join(row[4][1:-1] for row in rows if len(row[4]) > 2)
    return weeks, _BESTS.decode(f"[{points}]")
