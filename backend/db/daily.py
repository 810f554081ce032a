"""``set_daily``: one side's figures of one exercise on one local day, and the reads of
``logged_set`` it is derived from (complete sets that are not warm-ups)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from backend.db.connection import Connection
from backend.db.daily_rows import COLUMNS
from backend.db.driver import bigint, bulk, execute, execute_many, fetch, ids, is_pg, text

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


async def placed_sets(
    conn: Connection, account_id: int, set_ids: Sequence[str]
) -> list[tuple[str, int]]:
    """(exercise, performed_at_ms) of those sets that have both now."""
    if not set_ids:
        return []
    sql = (
        "SELECT exercise, performed_at_ms FROM logged_set "
        "WHERE +account_id = ? AND set_id {ids} AND exercise IS NOT NULL "
        "AND performed_at_ms IS NOT NULL"
    )
    return [tuple(row) for row in await fetch(conn, sql, (account_id, ids(conn, set_ids)))]


async def sets_in(conn: Connection, account_id: int, windows: Sequence[Window]) -> list[SetRow]:
    """The complete sets of each window's exercise performed within it."""
    if not windows:
        return []
    if is_pg(conn):
        sql = (
            f"SELECT {_SET_COLUMNS} FROM logged_set JOIN unnest(?::text[], ?::bigint[], "  # noqa: S608
            "?::bigint[]) AS w(ex, lo, hi) ON exercise = w.ex AND performed_at_ms >= w.lo "
            f"AND performed_at_ms < w.hi WHERE account_id = ? AND {_COMPLETE}"
        )
        columns = [list(values) for values in zip(*windows, strict=True)]
        return [tuple(row) for row in await fetch(conn, sql, (*columns, account_id))]
    sql = (
        f"SELECT {_SET_COLUMNS} FROM logged_set WHERE account_id = ? AND exercise = ? "  # noqa: S608
        f"AND performed_at_ms >= ? AND performed_at_ms < ? AND {_COMPLETE}"
    )
    rows: list[SetRow] = []
    for exercise, low, high in windows:
        rows += await fetch(conn, sql, (account_id, exercise, low, high))
    return rows


async def sets_per_day(conn: Connection, account_id: int) -> list[tuple[str, str, int]]:
    """(exercise, day, sets of both sides) of every row, by exercise then day."""
    sql = (
        "SELECT exercise, day, SUM(sets) FROM set_daily WHERE account_id = ? "
        "GROUP BY exercise, day ORDER BY exercise, day"
    )
    return [(e, d, int(n)) for e, d, n in await fetch(conn, sql, (account_id,))]


async def replace_days(
    conn: Connection,
    account_id: int,
    days: Sequence[tuple[str, str]],
    rows: Sequence[tuple[Any, ...]],
) -> None:
    """The rows of these (exercise, ISO day) keys become ``rows`` (``daily_rows.row_of``)."""
    if not days:
        pass
    elif is_pg(conn):
        exercises, texts = (list(values) for values in zip(*days, strict=True))
        sql = (
            "DELETE FROM set_daily d USING unnest(?::text[], ?::text[]) AS k(ex, day) "
            "WHERE d.account_id = ? AND d.exercise = k.ex AND d.day = k.day"
        )
        await execute(conn, sql, (exercises, texts, account_id))
    else:
        sql = "DELETE FROM set_daily WHERE account_id = ? AND exercise = ? AND day = ?"
        await execute_many(conn, sql, [(account_id, exercise, day) for exercise, day in days])
    await bulk(conn, "set_daily", _DAILY_COLUMNS, rows, "")


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
