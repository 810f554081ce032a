"""``reminder_schedule``: one row per reminder that fires, holding when it fires next.

A row whose timing did not change keeps its ``fire_at_ms`` on upsert (editing the exercises of
a reminder that is due right now must not skip it); a new timing takes the new instant.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from backend.db.connection import Connection
from backend.db.driver import bigint, bulk, execute, execute_many, fetch, ids, text
from backend.db.push_sends import locked
from backend.domain.schedule import Schedule


class Timing(NamedTuple):
    weekdays: int
    local_time: str
    tz: str
    limb: str
    exercises: str  # comma-separated exercise ids

    @property
    def schedule(self) -> Schedule:
        return Schedule(weekdays=self.weekdays, local_time=self.local_time, tz=self.tz)


class Planned(NamedTuple):
    reminder_id: str
    timing: Timing
    fire_at_ms: int


class DueReminder(NamedTuple):
    reminder_id: str
    account_id: int
    timing: Timing
    fire_at_ms: int


_COLUMNS = [
    *text("reminder_id"),
    *bigint("account_id", "weekdays"),
    *text("local_time", "tz", "limb", "exercises"),
    *bigint("fire_at_ms"),
]
_SAME_TIMING = (
    "reminder_schedule.weekdays = excluded.weekdays AND "
    "reminder_schedule.local_time = excluded.local_time AND reminder_schedule.tz = excluded.tz"
)
_UPSERT = (
    "ON CONFLICT (reminder_id) DO UPDATE SET weekdays = excluded.weekdays, "
    "local_time = excluded.local_time, tz = excluded.tz, limb = excluded.limb, "
    "exercises = excluded.exercises, fire_at_ms = CASE WHEN "
    f"{_SAME_TIMING} THEN reminder_schedule.fire_at_ms ELSE excluded.fire_at_ms END "
    "WHERE reminder_schedule.account_id = excluded.account_id"
)


async def upsert(conn: Connection, account_id: int, planned: Sequence[Planned]) -> None:
    rows = [(p.reminder_id, account_id, *p.timing, p.fire_at_ms) for p in planned]
    await bulk(conn, "reminder_schedule", _COLUMNS, rows, _UPSERT)


async def drop(conn: Connection, account_id: int, reminder_ids: Sequence[str]) -> None:
    if reminder_ids:
        sql = "DELETE FROM reminder_schedule WHERE account_id = ? AND reminder_id {ids}"
        await execute(conn, sql, (account_id, ids(conn, reminder_ids)))


async def clear(conn: Connection, account_id: int) -> None:
    await execute(conn, "DELETE FROM reminder_schedule WHERE account_id = ?", (account_id,))


async def claim_due(conn: Connection, now_ms: int, limit: int) -> list[DueReminder]:
    """Reminders due by ``now_ms``, earliest first, locked until this transaction ends."""
    sql = (
        "SELECT reminder_id, account_id, weekdays, local_time, tz, limb, exercises, fire_at_ms "
        "FROM reminder_schedule WHERE fire_at_ms <= ? ORDER BY fire_at_ms LIMIT ?"
    ) + locked(conn)
    rows = await fetch(conn, sql, (now_ms, limit))
    return [DueReminder(r[0], r[1], Timing(*r[2:7]), r[7]) for r in rows]


async def advance(conn: Connection, moves: Sequence[tuple[int, str]], drops: Sequence[str]) -> None:
    """Move fired reminders to their next instant (``(fire_at_ms, reminder_id)``) or drop them."""
    sql = "UPDATE reminder_schedule SET fire_at_ms = ? WHERE reminder_id = ?"
    await execute_many(conn, sql, moves)
    sql = "DELETE FROM reminder_schedule WHERE reminder_id = ?"
    await execute_many(conn, sql, [(rid,) for rid in drops])
