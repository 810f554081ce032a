"""The daily aggregate ``set_daily`` and its weekly sums ``set_weekly``, kept in step with
``logged_set`` in the same transaction.

A change to a set re-derives the (exercise, local day) it left and the one it joined, reading
only the sets of those days, then re-sums the weeks of those days from their daily rows, so the
aggregates always equal the domain's figures of ``logged_set`` and a push costs the same
whatever the account's history.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from backend.db import account_settings, weekly
from backend.db import daily as daily_rows
from backend.db.connection import Connection
from backend.db.daily_rows import figures_of, row_of
from backend.domain.strength import SetEntry, Side, daily_figures, week_start
from backend.domain.zone_days import zone_days

DayKey = tuple[str, date]  # (exercise, local day)


async def account_zone(conn: Connection, account_id: int) -> ZoneInfo:
    return ZoneInfo(await account_settings.time_zone_of(conn, account_id))


def days_placed(zone: ZoneInfo, placed: Iterable[tuple[str, int]]) -> set[DayKey]:
    """The (exercise, day) of sets placed at (exercise, performed_at_ms)."""
    days = zone_days(zone)
    return {(exercise, days.day(at)) for exercise, at in placed}


def days_of_rows(rows: Iterable[dict[str, object]], zone: ZoneInfo) -> set[DayKey]:
    """The (exercise, day) of projected ``logged_set`` rows."""
    days = zone_days(zone)
    keys: set[DayKey] = set()
    for row in rows:
        exercise, at = row["exercise"], row["performed_at_ms"]
        if isinstance(exercise, str) and isinstance(at, int):
            keys.add((exercise, days.day(at)))
    return keys


async def refresh(
    conn: Connection, account_id: int, zone: ZoneInfo, keys: Collection[DayKey]
) -> None:
    """Re-derive the aggregate rows of ``keys`` from the sets of those days in ``logged_set``."""
    if not keys:
        return
    days = zone_days(zone)
    windows: list[tuple[str, int, int]] = []
    for exercise, day in sorted(keys):
        low, high = days.bounds(day)
        if windows and windows[-1][0] == exercise and windows[-1][2] >= low:
            windows[-1] = (exercise, windows[-1][1], high)  # next day: one window
        else:
            windows.append((exercise, low, high))
    # The weeks are summed from their other days as stored and these days as they now are.
    weeks = weekly.windows_of((e, week_start(day)) for e, day in keys)
    rows, stored_days = await daily_rows.sets_and_days(conn, account_id, windows, weeks)
    figures = [f for f in daily_figures(_entries(rows), zone) if (f.exercise, f.day) in keys]
    stored = figures_of(stored_days)
    week_days = [f for f in stored if (f.exercise, f.day) not in keys] + figures
    await daily_rows.replace_days_and_weeks(
        conn,
        account_id,
        (
            sorted((exercise, day.isoformat()) for exercise, day in keys),
            [row_of(account_id, f) for f in figures],
        ),
        (weeks, weekly.rows_of(account_id, week_days)),
    )


# Sets re-derived per step of a time-zone rebuild: a step holds the writer for milliseconds.
REBUILD_SETS = 1000

Chunk = tuple[str, date, date]  # (exercise, first day, last day)


async def rebuild_chunks(conn: Connection, account_id: int) -> list[Chunk]:
    """Day ranges that together cover every day the account's sets can fall on, in any zone.

    Taken from the aggregate as it stands: a set's day moves by at most one in a new zone, so
    each exercise's range reaches a day past its first and last, and is cut every
    ``REBUILD_SETS`` sets.
    """
    chunks: list[Chunk] = []
    per_day = await daily_rows.sets_per_day(conn, account_id)
    for index, (exercise, day_text, sets) in enumerate(per_day):
        day = date.fromisoformat(day_text)
        if index == 0 or per_day[index - 1][0] != exercise:
            start, count = day - timedelta(days=1), 0
        count += sets
        if index + 1 == len(per_day) or per_day[index + 1][0] != exercise:
            chunks.append((exercise, start, day + timedelta(days=1)))
        elif count >= REBUILD_SETS:
            chunks.append((exercise, start, day))
            start, count = day + timedelta(days=1), 0
    return chunks


async def rebuild_chunk(conn: Connection, account_id: int, zone: ZoneInfo, chunk: Chunk) -> bool:
    """Re-derive one range's days in ``zone``; False (and nothing written) once the account's
    zone is another, so a rebuild overtaken by a newer change stops."""
    if await account_settings.time_zone_of(conn, account_id) != zone.key:
        return False
    exercise, first, last = chunk
    days = zone_days(zone)
    bounds = (exercise, days.bounds(first)[0], days.bounds(last)[1])
    sets = await daily_rows.sets_in(conn, account_id, [bounds])
    figures = [f for f in daily_figures(_entries(sets), zone) if first <= f.day <= last]
    await daily_rows.replace_range(
        conn,
        account_id,
        exercise,
        (first.isoformat(), last.isoformat()),
        [row_of(account_id, f) for f in figures],
    )
    # A week the range shares with the next one is summed again once that one is rebuilt.
    sunday = week_start(last) + timedelta(days=6)
    window = (exercise, week_start(first).isoformat(), sunday.isoformat())
    await weekly.refresh(conn, account_id, [window])
    return True


def _entries(rows: Iterable[tuple[str, str, int, int, int]]) -> list[SetEntry]:
    return [
        SetEntry(
            exercise=exercise, side=cast(Side, side), reps=reps, weight_g=weight_g, performed_at=at
        )
        for exercise, side, reps, weight_g, at in rows
    ]
