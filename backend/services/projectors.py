"""What a record type's merged changes project into, in the transaction that merges them.

One projector per record type (a set becomes its ``logged_set`` row and the ``set_daily`` days
it left and joined; a reminder its ``reminder_schedule`` row): adding a projected record type
is one entry in ``PROJECTORS``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import msgspec

from backend.db import sync_store
from backend.db.connection import Connection
from backend.db.sync_store import FieldMap
from backend.services import daily, reminder_schedule
from sync.merge import DELETED


@dataclass(frozen=True, slots=True)
class Projection:
    account_id: int
    seq: int
    now_ms: int
    records: FieldMap  # the merged state of this type's changed records
    zone: str  # the account's time zone
    placed: Mapping[str, tuple[str, int]]  # (exercise, instant) of its sets before this batch


Projector = Callable[[Connection, Projection], Awaitable[None]]

# set record field -> logged_set column
COLUMNS = {
    "exercise": "exercise",
    "side": "side",
    "reps": "reps",
    "weight_g": "weight_g",
    "rpe_x10": "rpe_x10",
    "eccentric_ms": "eccentric_ms",
    "performed_at": "performed_at_ms",
    "note": "note",
}


def project_sets(sets: FieldMap) -> tuple[list[dict[str, Any]], list[str]]:
    """Split set records (field -> (hlc, canonical value)) into rows to upsert and ids to drop.

    A record exists iff it has a field and ``_deleted`` is not true (the sync contract).
    """
    upserts: list[dict[str, Any]] = []
    deletes: list[str] = []
    for set_id, fields in sets.items():
        deleted = DELETED in fields and msgspec.json.decode(fields[DELETED][1]) is True
        if not fields or deleted:
            deletes.append(set_id)
            continue
        row: dict[str, Any] = dict.fromkeys(COLUMNS.values())
        row["set_id"] = set_id
        for name, column in COLUMNS.items():
            if name in fields:
                row[column] = msgspec.json.decode(fields[name][1])
        upserts.append(row)
    return upserts, deletes


async def _sets(conn: Connection, change: Projection) -> None:
    upserts, deletes = project_sets(change.records)
    # The days the sets counted in before this change, and the days they count in after it.
    zone = ZoneInfo(change.zone)
    days = daily.days_placed(zone, [change.placed[i] for i in change.records if i in change.placed])
    await sync_store.write_sets(conn, change.account_id, change.seq, upserts, deletes)
    await daily.refresh(conn, change.account_id, zone, days | daily.days_of_rows(upserts, zone))


async def _reminders(conn: Connection, change: Projection) -> None:
    await reminder_schedule.refresh(conn, change.account_id, change.records, change.now_ms)


PROJECTORS: dict[str, Projector] = {"set": _sets, "reminder": _reminders}
