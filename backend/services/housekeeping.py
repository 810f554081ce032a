"""Pruning done by the hourly sweep: expired sessions, old push sends, spent throttling rows
and old security events. Deleted in batches so the one SQLite writer is never held long."""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import text

from backend.db.engine import Database
from backend.domain.throttle import FAILURE_MEMORY_MS, MAX_DELAY_MS
from backend.services.ports import WallClock

DAY_MS = 86_400_000
PUSH_SENDS_KEPT_MS = 30 * DAY_MS  # finished sends stay this long as the send log
SECURITY_EVENTS_KEPT_MS = 365 * DAY_MS
BATCH = 1000

_DELETIONS = {
    "web_session": (
        "DELETE FROM web_session WHERE token_hash IN (SELECT token_hash FROM web_session "
        "WHERE expires_at_ms <= :now LIMIT :batch)"
    ),
    # Pending messages are the outbox: only finished ones are pruned.
    "push_send": (
        "DELETE FROM push_send WHERE (record_id, fire_at_ms, subscription_id) IN "
        "(SELECT record_id, fire_at_ms, subscription_id FROM push_send "
        "WHERE state <> 'pending' AND updated_at_ms < :push_before LIMIT :batch)"
    ),
    # A bucket whose theoretical arrival time has passed is the same as no bucket.
    "rate_limit": (
        "DELETE FROM rate_limit WHERE key IN "
        "(SELECT key FROM rate_limit WHERE tat_ms < :now LIMIT :batch)"
    ),
    "sign_in_failure": (
        "DELETE FROM sign_in_failure WHERE email_key IN (SELECT email_key FROM sign_in_failure "
        "WHERE last_failure_ms < :failures_before LIMIT :batch)"
    ),
    "security_event": (
        "DELETE FROM security_event WHERE id IN (SELECT id FROM security_event "
        "WHERE at_ms < :events_before LIMIT :batch)"
    ),
}


class Pruned(NamedTuple):
    table: str
    rows: int


class Housekeeping:
    def __init__(self, db: Database, wall: WallClock) -> None:
        self.db = db
        self.wall = wall

    async def prune(self) -> list[Pruned]:
        now = self.wall.now_ms()
        params = {
            "now": now,
            "batch": BATCH,
            "push_before": now - PUSH_SENDS_KEPT_MS,
            # A lock never outlasts its longest delay; the count is forgotten after a day.
            "failures_before": now - max(FAILURE_MEMORY_MS, MAX_DELAY_MS),
            "events_before": now - SECURITY_EVENTS_KEPT_MS,
        }
        pruned = []
        for table, sql in _DELETIONS.items():
            total = 0
            while True:
                async with self.db.write() as conn:
                    deleted = (await conn.execute(text(sql), params)).rowcount
                total += deleted
                if deleted < BATCH:
                    break
            pruned.append(Pruned(table, total))
        return pruned
