"""``reminder_schedule`` kept in step with the ``reminder`` records, inside the transaction that
changes them: one row per reminder that exists, is enabled, has its timing fields and a due
instant, holding when it fires next (``backend.domain.schedule``, with the account's quiet
hours).

A row whose timing did not change keeps its ``fire_at_ms`` (``backend.db.reminder_schedule``);
a new timing counts from now.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import msgspec

from backend.db import account_settings, insight_store
from backend.db import reminder_schedule as schedule_rows
from backend.db.connection import Connection
from backend.db.reminder_schedule import Planned, Timing
from backend.db.sync_store import FieldMap
from backend.domain.schedule import QuietHours, Schedule, ScheduleError, next_due
from sync.merge import DELETED


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


async def refresh(conn: Connection, account_id: int, state: FieldMap, now_ms: int) -> None:
    """Bring the rows of these reminder records (their merged fields) up to date."""
    decoded = {
        rid: {name: msgspec.json.decode(value) for name, (_hlc, value) in fields.items()}
        for rid, fields in state.items()
    }
    await _write(conn, account_id, decoded, now_ms)


async def rebuild(conn: Connection, account_id: int, now_ms: int) -> None:
    """Every row of the account again, from now (its quiet hours changed)."""
    await schedule_rows.clear(conn, account_id)
    await _write(
        conn, account_id, await insight_store.records_of_type(conn, account_id, "reminder"), now_ms
    )


async def _write(
    conn: Connection, account_id: int, records: Mapping[str, Mapping[str, Any]], now_ms: int
) -> None:
    quiet = (await account_settings.quiet_of(conn, account_id)).quiet
    planned, dropped = [], []
    for rid, fields in sorted(records.items()):
        timing = timing_of(fields)
        fire_at = None if timing is None else first_fire(timing, quiet, now_ms)
        if timing is None or fire_at is None:
            dropped.append(rid)
        else:
            planned.append(Planned(rid, timing, fire_at))
    await schedule_rows.upsert(conn, account_id, planned)
    await schedule_rows.drop(conn, account_id, dropped)
