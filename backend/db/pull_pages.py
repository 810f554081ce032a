"""Pages of an account's merged state in keyset order ``(seq, record_id, field)``."""

from __future__ import annotations

from typing import NamedTuple

from backend.db.connection import Connection
from backend.db.driver import fetch


class PageRow(NamedTuple):
    record_type: str
    record_id: str
    field: str
    value: str
    hlc: str
    seq: int


async def counter(conn: Connection, account_id: int) -> tuple[int, str]:
    """The account's (sequence, epoch)."""
    sql = "SELECT seq, epoch FROM sync_counter WHERE account_id = ?"
    ((seq, epoch),) = await fetch(conn, sql, (account_id,))
    return int(seq), str(epoch)


async def page_after(
    conn: Connection, account_id: int, after: tuple[int, str, str], limit: int
) -> list[PageRow]:
    """Up to ``limit`` rows after the cursor (seq, record_id, field)."""
    sql = (
        "SELECT record_type, record_id, field, value, hlc, seq FROM field_state "
        "WHERE account_id = ? AND (seq, record_id, field) > (?, ?, ?) "
        "ORDER BY seq, record_id, field LIMIT ?"
    )
    return [PageRow(*row) for row in await fetch(conn, sql, (account_id, *after, limit))]
