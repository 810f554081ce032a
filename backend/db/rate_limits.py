"""``rate_limit`` (GCRA buckets) and ``sign_in_failure`` (failed sign-ins per email hash): each
changed by one atomic upsert, so every worker and host shares them (PostgreSQL locks the row for
the statement; SQLite has one writer)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.connection import Connection
from backend.db.driver import execute, fetch
from backend.domain.throttle import Rate

# GCRA (a leaky bucket as one timestamp): a request costs one interval; it is allowed while
# the theoretical arrival time stays within one period of now.
_TAKE = (
    "INSERT INTO rate_limit (key, tat_ms) VALUES (?, CAST(? AS BIGINT)) "
    "ON CONFLICT (key) DO UPDATE SET tat_ms = "
    "CASE WHEN rate_limit.tat_ms > ? THEN rate_limit.tat_ms ELSE ? END + CAST(? AS BIGINT) "
    "WHERE CASE WHEN rate_limit.tat_ms > ? THEN rate_limit.tat_ms ELSE ? END "
    "+ CAST(? AS BIGINT) - CAST(? AS BIGINT) <= CAST(? AS BIGINT) "
    "RETURNING tat_ms"
)
_FAIL = (
    "INSERT INTO sign_in_failure (email_key, failures, last_failure_ms, locked_until_ms) "
    "VALUES (?, 1, CAST(? AS BIGINT), 0) "
    "ON CONFLICT (email_key) DO UPDATE SET failures = CASE "
    "WHEN sign_in_failure.last_failure_ms < CAST(? AS BIGINT) THEN 1 "
    "ELSE sign_in_failure.failures + 1 END, last_failure_ms = CAST(? AS BIGINT) "
    "RETURNING failures"
)


async def take_all(conn: AsyncConnection, buckets: Sequence[tuple[str, Rate]], now: int) -> int:
    """Take one request from every bucket or from none: 0, or the first refusal's wait."""
    savepoint = await conn.begin_nested()
    for key, rate in buckets:
        wait = await _take(conn, key, rate, now)
        if wait:
            await savepoint.rollback()
            return wait
    await savepoint.commit()
    return 0


async def _take(conn: Connection, key: str, rate: Rate, now: int) -> int:
    """Take one request from the bucket: 0 if allowed, else the milliseconds to wait."""
    interval = rate.interval_ms
    params = (key, now + interval, now, now, interval, now, now, interval, now, rate.period_ms)
    if await fetch(conn, _TAKE, params):
        return 0
    ((tat,),) = await fetch(conn, "SELECT tat_ms FROM rate_limit WHERE key = ?", (key,))
    return max(1, int(tat) + interval - rate.period_ms - now)


async def locked_until(conn: Connection, email_key: str) -> int | None:
    sql = "SELECT locked_until_ms FROM sign_in_failure WHERE email_key = ?"
    rows = await fetch(conn, sql, (email_key,))
    return int(rows[0][0]) if rows else None


async def count_failure(conn: Connection, email_key: str, now: int, forget_before: int) -> int:
    """One more failed sign-in (the count restarts after ``forget_before``): how many now."""
    ((failures,),) = await fetch(conn, _FAIL, (email_key, now, forget_before, now))
    return int(failures)


async def lock(conn: Connection, email_key: str, until_ms: int) -> None:
    sql = "UPDATE sign_in_failure SET locked_until_ms = ? WHERE email_key = ?"
    await execute(conn, sql, (until_ms, email_key))


async def clear_failures(conn: Connection, email_key: str) -> None:
    await execute(conn, "DELETE FROM sign_in_failure WHERE email_key = ?", (email_key,))
