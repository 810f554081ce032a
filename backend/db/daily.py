"""``set_daily``: one side's figures of one exercise on one local day, and the reads of
``logged_set`` it is derived from (complete sets that are not warm-ups)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from backend.db import weekly
from backend.db.connection import Connection
from backend.db.daily_rows import COLUMNS
from backend.db.driver import (
    Column,
    bigint,
    bulk,
    execute,
    execute_many,
    fetch,
    is_pg,
    text,
)

# A warm-up is marked only in its record's field state.
_COMPLETE = (
    "exercise IS NOT NULL AND side IS NOT NULL AND reps IS NOT NULL "
    "AND weight_g IS NOT NULL AND performed_at_ms IS NOT NULL AND NOT EXISTS ("
    "SELECT 1 FROM field_state w WHERE w.record_id = logged_set.set_id "
    "AND w.field = 'warmup' AND w.value = 'true')"
)
_SET_COLUMNS = "exercise, side, reps, weight_g, performed_at_ms"
_DAILY_COLUMNS = [*bigint("account_id"), *text("exercise", "day", "side"), *bigint(*COLUMNS[4:])]

# (exercise, side, reps, weight_g, performed_at_ms)
SetRow = tuple[str, str, int, int, int]
# (exercise, first instant, end instant): a window of one exercise's sets
Window = tuple[str, int, int]


async def sets_in(conn: Connection, account_id: int, windows: Sequence[Window]) -> list[SetRow]:
    """The complete sets of each window's exercise performed within it."""
    if not windows:
        return []
    if is_pg(conn):
        columns = [list(values) for values in zip(*windows, strict=True)]
        return [tuple(row) for row in await fetch(conn, _SETS_IN_PG, (*columns, account_id))]
    # The windows as one JSON array, each an index range scan: one statement however many.
    sql = (
        f"SELECT {_SET_COLUMNS} FROM json_each(?) AS win CROSS JOIN logged_set "  # noqa: S608
        "WHERE logged_set.account_id = ? AND logged_set.exercise = win.value ->> 0 "
        "AND logged_set.performed_at_ms >= win.value ->> 1 "
        f"AND logged_set.performed_at_ms < win.value ->> 2 AND {_COMPLETE}"
    )
    encoded = msgspec.json.encode(windows).decode()
    return [tuple(row) for row in await fetch(conn, sql, (encoded, account_id))]


# LATERAL … OFFSET 0 keeps one index range scan per window: flattened into a join, the generic
# plan of this prepared statement scanned all of the account's sets instead.
_SETS_IN_PG = (
    f"SELECT {_SET_COLUMNS} FROM unnest(?::text[], ?::bigint[], ?::bigint[]) "  # noqa: S608
    "AS w(ex, lo, hi) CROSS JOIN LATERAL (SELECT * FROM logged_set WHERE account_id = ? "
    "AND exercise = w.ex AND performed_at_ms >= w.lo AND performed_at_ms < w.hi "
    f"OFFSET 0) AS logged_set WHERE {_COMPLETE}"
)


async def sets_and_days(
    conn: Connection, account_id: int, windows: Sequence[Window], weeks: Sequence[weekly.Window]
) -> tuple[list[SetRow], list[Any]]:
    """``sets_in`` the windows and ``weekly.days_in`` the weeks: one round trip on PostgreSQL
    (two tagged result sets as one)."""
    if not is_pg(conn) or not windows or not weeks:
        return await sets_in(conn, account_id, windows), await weekly.days_in(
            conn, account_id, weeks
        )
    sets_columns = [list(values) for values in zip(*windows, strict=True)]
    weeks_columns = [list(values) for values in zip(*weeks, strict=True)]
    sets: list[SetRow] = []
    days: list[Any] = []
    for tag, exercise, day, side, *numbers in await fetch(
        conn, _SETS_AND_DAYS, (*sets_columns, account_id, *weeks_columns, account_id)
    ):
        if tag == "s":
            sets.append((exercise, side, *numbers[:3]))
        else:
            days.append((exercise, day, side, *numbers))
    return sets, days


_SETS_AND_DAYS = (
    "SELECT 's', exercise, NULL, side, reps, weight_g, performed_at_ms, "  # noqa: S608
    f"NULL, NULL, NULL, NULL, NULL FROM ({_SETS_IN_PG}) AS sets "
    f"UNION ALL SELECT 'd', * FROM ({weekly.DAYS_IN_PG}) AS days"
)


async def sets_per_day(conn: Connection, account_id: int) -> list[tuple[str, str, int]]:
    """(exercise, day, sets of both sides) of every row, by exercise then day."""
    sql = (
        "SELECT exercise, day, SUM(sets) FROM set_daily WHERE account_id = ? "
        "GROUP BY exercise, day ORDER BY exercise, day"
    )
    return [(e, d, int(n)) for e, d, n in await fetch(conn, sql, (account_id,))]


async def replace_days_and_weeks(
    conn: Connection,
    account_id: int,
    days: tuple[Sequence[tuple[str, str]], Sequence[tuple[Any, ...]]],
    weeks: tuple[Sequence[weekly.Window], Sequence[tuple[Any, ...]]],
) -> None:
    """The rows of these (exercise, ISO day) keys become the day rows (``daily_rows.row_of``),
    and the weeks of these windows the week rows (``weekly.rows_of``). One statement on
    PostgreSQL: each table's new rows are upserted and its other rows of the keys deleted, so
    the parts never touch the same row."""
    (keys, day_rows), (windows, week_rows) = days, weeks
    if not is_pg(conn):
        sql = "DELETE FROM set_daily WHERE account_id = ? AND exercise = ? AND day = ?"
        await execute_many(conn, sql, [(account_id, exercise, day) for exercise, day in keys])
        await bulk(conn, "set_daily", _DAILY_COLUMNS, day_rows, "")
        await weekly.replace(conn, account_id, windows, week_rows)
        return
    days_upsert, weeks_upsert = (
        _upsert("set_daily", _DAILY_COLUMNS, 4),
        _upsert("set_weekly", weekly.TYPED, 3),
    )
    sql = _REPLACE_DAYS_AND_WEEKS.format(days_upsert=days_upsert, weeks_upsert=weeks_upsert)
    params = (
        *_arrays(day_rows, 1, 2, 3),
        *_arrays(keys, 0, 1),
        account_id,
        *_arrays(day_rows, *range(len(_DAILY_COLUMNS))),
        *_arrays(week_rows, 1, 2),
        *_arrays(windows, 0, 1, 2),
        account_id,
        *_arrays(week_rows, *range(len(weekly.TYPED))),
    )
    await execute(conn, sql, params)


_REPLACE_DAYS_AND_WEEKS = (
    "WITH new_days AS (SELECT * FROM unnest(?::text[], ?::text[], ?::text[]) AS n(ex, day, side)), "
    "gone_days AS (DELETE FROM set_daily d USING unnest(?::text[], ?::text[]) AS k(ex, day) "
    "WHERE d.account_id = ? AND d.exercise = k.ex AND d.day = k.day AND NOT EXISTS ("
    "SELECT 1 FROM new_days n WHERE n.ex = d.exercise AND n.day = d.day AND n.side = d.side)), "
    "upserted_days AS ({days_upsert}), "
    "new_weeks AS (SELECT * FROM unnest(?::text[], ?::text[]) AS n(ex, week)), "
    "gone_weeks AS (DELETE FROM set_weekly w USING unnest(?::text[], ?::text[], ?::text[]) "
    "AS k(ex, lo, hi) WHERE w.account_id = ? AND w.exercise = k.ex AND w.week >= k.lo "
    "AND w.week <= k.hi AND NOT EXISTS (SELECT 1 FROM new_weeks n "
    "WHERE n.ex = w.exercise AND n.week = w.week)) {weeks_upsert}"
)


def _upsert(table: str, columns: list[Column], key: int) -> str:
    """Insert rows given as column arrays; a row whose first ``key`` columns exist replaces it."""
    names = ", ".join(c.name for c in columns)
    arrays = ", ".join(f"?::{c.pg_type}[]" for c in columns)
    conflict = ", ".join(c.name for c in columns[:key])
    updates = ", ".join(f"{c.name} = excluded.{c.name}" for c in columns[key:])
    return (
        f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) "  # noqa: S608
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )


def _arrays(rows: Sequence[Sequence[Any]], *picked: int) -> list[list[Any]]:
    """The ``picked`` columns of ``rows``, each as one array."""
    return [[row[index] for row in rows] for index in picked]


async def replace_range(
    conn: Connection,
    account_id: int,
    exercise: str,
    days: tuple[str, str],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    """The rows of one exercise from the first to the last ISO day (inclusive) become ``rows``."""
    sql = "DELETE FROM set_daily WHERE account_id = ? AND exercise = ? AND day >= ? AND day <= ?"
    await execute(conn, sql, (account_id, exercise, *days))
    await bulk(conn, "set_daily", _DAILY_COLUMNS, rows, "")
