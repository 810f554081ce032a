"""An account's rows for export, read a page at a time through a server-side cursor, so memory
stays flat however long the history is."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from backend.db.connection import Connection
from backend.db.driver import stream

# Warm-up lives only in the record's field state; a join on its primary key finds it.
SETS = (
    "SELECT s.set_id, s.exercise, s.side, s.reps, s.weight_g, s.rpe_x10, s.eccentric_ms, "
    "s.performed_at_ms, s.note, w.value FROM logged_set s "
    "LEFT JOIN field_state w ON w.record_id = s.set_id AND w.field = 'warmup' "
    "WHERE s.account_id = ? ORDER BY s.performed_at_ms, s.set_id"
)
_FIELDS = (
    "SELECT record_id, record_type, field, value FROM field_state "
    "WHERE account_id = ? ORDER BY record_id, field"
)


def set_pages(conn: Connection, account_id: int, page: int) -> AsyncIterator[list[tuple[Any, ...]]]:
    """Every set, oldest first: ``(set_id, exercise, side, reps, weight_g, rpe_x10,
    eccentric_ms, performed_at_ms, note, warmup)`` tuples."""
    return stream(conn, SETS, (account_id,), page)


def field_pages(
    conn: Connection, account_id: int, page: int
) -> AsyncIterator[list[tuple[Any, ...]]]:
    """Every field of every record, by record: ``(record_id, record_type, field, value)``."""
    return stream(conn, _FIELDS, (account_id,), page)
