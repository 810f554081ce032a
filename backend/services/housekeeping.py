"""Pruning done by the hourly sweep: expired sessions, old push sends, spent throttling rows,
old security events and expired share codes. Deleted in batches so the one SQLite writer is
never held long."""

from __future__ import annotations

from typing import NamedTuple

from backend.db import pruning
from backend.db.engine import Database
from backend.domain.throttle import FAILURE_MEMORY_MS, MAX_DELAY_MS
from backend.services.ports import WallClock

DAY_MS = 86_400_000
PUSH_SENDS_KEPT_MS = 30 * DAY_MS  # finished sends stay this long as the send log
SECURITY_EVENTS_KEPT_MS = 365 * DAY_MS
BATCH = 1000


class Pruned(NamedTuple):
    table: str
    rows: int


class Housekeeping:
    def __init__(self, db: Database, wall: WallClock) -> None:
        self.db = db
        self.wall = wall

    async def prune(self) -> list[Pruned]:
        now = self.wall.now_ms()
        cutoffs: dict[pruning.Prunable, int] = {
            "web_session": now,
            "push_send": now - PUSH_SENDS_KEPT_MS,
            "rate_limit": now,
            # A lock never outlasts its longest delay; the count is forgotten after a day.
            "sign_in_failure": now - max(FAILURE_MEMORY_MS, MAX_DELAY_MS),
            "security_event": now - SECURITY_EVENTS_KEPT_MS,
            "share_code": now,
        }
        pruned = []
        for table, before in cutoffs.items():
            total = 0
            while True:
                async with self.db.write() as conn:
                    deleted = await pruning.prune(conn, table, before, BATCH)
                total += deleted
                if deleted < BATCH:
                    break
            pruned.append(Pruned(table, total))
        return pruned
