"""The daily aggregate ``set_daily``, kept in step with ``logged_set`` in the same transaction.

A change to a set re-derives the (exercise, local day) it left and the one it joined from the
sets still there, so the aggregate always equals the domain's figures of ``logged_set``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.daily_rows import COLUMNS, row_of
from backend.domain.strength import SetEntry, Side, daily_figures, local_day
from backend.services.sql import bigint, bulk, execute, fetch, ids, text

DayKey = tuple[str, date]  # (exercise, local day)

# Complete sets that are not warm-ups (a warm-up is marked only in its record's field state).
_COMPLETE = (
    "exercise IS NOT NULL AND side IS NOT NULL AND reps IS NOT NULL "
    "AND weight_g IS NOT NULL AND performed_at_ms IS NOT NULL AND NOT EXISTS ("
    "SELECT 1 FROM field_state w WHERE w.record_id = logged_set.set_id "
    "AND w.field = 'warmup' AND w.value = 'true')"
)
_SET_COLUMNS = "exercise, side, reps, weight_g, performed_at_ms"
_DAILY_COLUMNS = [
    *bigint("account_id"),
    *text("exercise", "day", "side"),
    *bigint(*COLUMNS[4:]),
]


async def account_zone(conn: AsyncConnection, account_id: int) -> ZoneInfo:
    (row,) = await fetch(conn, "SELECT time_zone FROM account WHERE id = ?", (account_id,))
    return ZoneInfo(row[0])


async def days_of_sets(
    conn: AsyncConnection, account_id: int, set_ids: Collection[str], zone: ZoneInfo
) -> set[DayKey]:
    """The (exercise, day) each of these sets counts in now (before a change moves it)."""
    if not set_ids:
        return set()
    sql = (
        "SELECT exercise, performed_at_ms FROM logged_set "
        "WHERE +account_id = ? AND set_id {ids} AND exercise IS NOT NULL "
        "AND performed_at_ms IS NOT NULL"
    )
    rows = await fetch(conn, sql, (account_id, ids(conn, sorted(set_ids))))
    return {(exercise, local_day(at, zone)) for exercise, at in rows}


def days_of_rows(rows: Iterable[dict[str, object]], zone: ZoneInfo) -> set[DayKey]:
    """The (exercise, day) of projected ``logged_set`` rows."""
    keys: set[DayKey] = set()
    for row in rows:
        exercise, at = row["exercise"], row["performed_at_ms"]
        if isinstance(exercise, str) and isinstance(at, int):
            keys.add((exercise, local_day(at, zone)))
    return keys


async def refresh(
    conn: AsyncConnection, account_id: int, zone: ZoneInfo, keys: Collection[DayKey]
) -> None:
    """Re-derive the aggregate rows of ``keys`` from the sets now in ``logged_set``."""
    by_exercise: dict[str, set[date]] = {}
    for exercise, day in keys:
        by_exercise.setdefault(exercise, set()).add(day)
    for exercise, days in sorted(by_exercise.items()):
        first, last = min(days), max(days)
        sql = (
            f"SELECT {_SET_COLUMNS} FROM logged_set WHERE account_id = ? AND exercise = ? "  # noqa: S608
            f"AND performed_at_ms >= ? AND performed_at_ms < ? AND {_COMPLETE}"
        )
        # A day's edges in UTC move with DST; read a day more each side and keep the wanted days.
        params = (account_id, exercise, _midnight_ms(first, zone, -1), _midnight_ms(last, zone, 2))
        figures = [
            f
            for f in daily_figures(_entries(await fetch(conn, sql, params)), zone)
            if f.day in days
        ]
        day_texts = sorted(day.isoformat() for day in days)
        await execute(
            conn,
            "DELETE FROM set_daily WHERE account_id = ? AND exercise = ? AND day {ids}",
            (account_id, exercise, ids(conn, day_texts)),
        )
        await bulk(conn, "set_daily", _DAILY_COLUMNS, [row_of(account_id, f) for f in figures], "")


async def rebuild(conn: AsyncConnection, account_id: int, zone: ZoneInfo) -> None:
    """Every day of the account again (its time zone changed, so days did too)."""
    await execute(conn, "DELETE FROM set_daily WHERE account_id = ?", (account_id,))
    sql = f"SELECT {_SET_COLUMNS} FROM logged_set WHERE account_id = ? AND {_COMPLETE}"  # noqa: S608
    figures = daily_figures(_entries(await fetch(conn, sql, (account_id,))), zone)
    await bulk(conn, "set_daily", _DAILY_COLUMNS, [row_of(account_id, f) for f in figures], "")


def _entries(rows: Iterable[tuple[str, Side, int, int, int]]) -> list[SetEntry]:
    return [
        SetEntry(exercise=exercise, side=side, reps=reps, weight_g=weight_g, performed_at=at)
        for exercise, side, reps, weight_g, at in rows
    ]


def _midnight_ms(day: date, zone: ZoneInfo, plus_days: int) -> int:
    start = datetime.combine(day + timedelta(days=plus_days), time(), tzinfo=zone)
    return int(start.timestamp() * 1000)
