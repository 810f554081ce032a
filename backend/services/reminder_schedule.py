"""``reminder_schedule`` kept in step with the ``reminder`` records, inside the transaction that
changes them: one row per reminder that exists, is enabled, has its timing fields and a due
instant, holding when it fires next (``backend.domain.schedule``, with the account's quiet
hours).

A row whose timing did not change keeps its ``fire_at_ms`` (editing the exercises of a reminder
that is due right now must not skip it); a new timing counts from now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, NamedTuple

import msgspec
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.domain.schedule import QuietHours, Schedule, ScheduleError, next_due
from backend.services import insight_store, push_store
from backend.services.sql import bigint, bulk, execute, ids, text
from backend.services.sync_store import FieldMap
from sync.merge import DELETED


class Timing(NamedTuple):
    weekdays: int
    local_time: str
    tz: str
    limb: str
    exercises: str  # comma-separated exercise ids

    @property
    def schedule(self) -> Schedule:
        return Schedule(weekdays=self.weekdays, local_time=self.local_time, tz=self.tz)


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


def timing_of(fields: Mapping[str, Any]) -> Timing | None:
    """The schedule of a reminder record's decoded fields; None unless it exists and is on."""
    if fields.get(DELETED) is True or fields.get("enabled") is False:
        return None
    try:  # a record's fields may still be arriving
        schedule = Schedule(
            weekdays=fields["weekdays"], local_time=fields["local_time"], tz=fields["tz"]
        )
        limb = fields["limb"]
    except (KeyError, ScheduleError):
        return None
    exercises = fields.get("exercises") or ""
    return Timing(schedule.weekdays, schedule.local_time, schedule.tz, limb, exercises)


def first_fire(timing: Timing, quiet: QuietHours | None, now_ms: int) -> int | None:
    due = next_due(timing.schedule, datetime.fromtimestamp(now_ms / 1000, UTC), quiet)
    return None if due is None else int(due.timestamp() * 1000)


async def refresh(conn: AsyncConnection, account_id: int, state: FieldMap, now_ms: int) -> None:
    """Bring the rows of these reminder records (their merged fields) up to date."""
    decoded = {
        rid: {name: msgspec.json.decode(value) for name, (_hlc, value) in fields.items()}
        for rid, fields in state.items()
    }
    await _write(conn, account_id, decoded, now_ms)


async def rebuild(conn: AsyncConnection, account_id: int, now_ms: int) -> None:
    """Every row of the account again, from now (its quiet hours changed)."""
    await execute(conn, "DELETE FROM reminder_schedule WHERE account_id = ?", (account_id,))
    await _write(
        conn, account_id, await insight_store.records_of_type(conn, account_id, "reminder"), now_ms
    )


async def _write(
    conn: AsyncConnection, account_id: int, records: Mapping[str, Mapping[str, Any]], now_ms: int
) -> None:
    quiet = (await push_store.account_quiet(conn, account_id)).quiet
    rows, dropped = [], []
    for rid, fields in sorted(records.items()):
        timing = timing_of(fields)
        fire_at = None if timing is None else first_fire(timing, quiet, now_ms)
        if timing is None or fire_at is None:
            dropped.append(rid)
        else:
            rows.append((rid, account_id, *timing, fire_at))
    await bulk(conn, "reminder_schedule", _COLUMNS, rows, _UPSERT)
    if dropped:
        sql = "DELETE FROM reminder_schedule WHERE account_id = ? AND reminder_id {ids}"
        await execute(conn, sql, (account_id, ids(conn, dropped)))
