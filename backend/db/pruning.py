"""Deleting spent rows a batch at a time, oldest first, so the one SQLite writer is never held
long. Each statement deletes up to ``batch`` rows older than a cutoff."""

from __future__ import annotations

from typing import Literal

from backend.db.connection import Connection
from backend.db.driver import execute

Prunable = Literal[
    "web_session", "push_send", "rate_limit", "sign_in_failure", "security_event", "share_code"
]

_DELETIONS: dict[Prunable, str] = {
    "web_session": (
        "DELETE FROM web_session WHERE token_hash IN (SELECT token_hash FROM web_session "
        "WHERE expires_at_ms <= ? LIMIT ?)"
    ),
    # Pending messages are the outbox: only finished ones are pruned.
    "push_send": (
        "DELETE FROM push_send WHERE (record_id, fire_at_ms, subscription_id) IN "
        "(SELECT record_id, fire_at_ms, subscription_id FROM push_send "
        "WHERE state <> 'pending' AND updated_at_ms < ? LIMIT ?)"
    ),
    # A bucket whose theoretical arrival time has passed is the same as no bucket.
    "rate_limit": (
        "DELETE FROM rate_limit WHERE key IN (SELECT key FROM rate_limit WHERE tat_ms < ? LIMIT ?)"
    ),
    "sign_in_failure": (
        "DELETE FROM sign_in_failure WHERE email_key IN (SELECT email_key FROM sign_in_failure "
        "WHERE last_failure_ms < ? LIMIT ?)"
    ),
    "security_event": (
        "DELETE FROM security_event WHERE id IN (SELECT id FROM security_event "
        "WHERE at_ms < ? LIMIT ?)"
    ),
    # An expired code can no longer be used; a used one has done its work.
    "share_code": (
        "DELETE FROM share_code WHERE code_key IN (SELECT code_key FROM share_code "
        "WHERE expires_at_ms <= ? LIMIT ?)"
    ),
}


async def prune(conn: Connection, table: Prunable, before_ms: int, batch: int) -> int:
    """Delete up to ``batch`` spent rows of ``table`` (by the cutoff ``before_ms``): how many."""
    return int((await execute(conn, _DELETIONS[table], (before_ms, batch))).rowcount)
