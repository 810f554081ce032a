"""Pages of an account's merged state in keyset order ``(seq, record_id, field)``."""

from __future__ import annotations

from typing import NamedTuple

from backend.db.connection import Connection
from backend.db.driver import fetch, is_pg


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


async def counter_and_page(
    conn: Connection, account_id: int, after: tuple[int, str, str], limit: int
) -> tuple[int, str, list[PageRow]]:
    """``counter`` and ``page_after``: one round trip on PostgreSQL."""
    if not is_pg(conn):
        seq, epoch = await counter(conn, account_id)
        return seq, epoch, await page_after(conn, account_id, after, limit)
    rows = await fetch(conn, _COUNTER_AND_PAGE, (account_id, *after, limit, account_id))
    seq, epoch = int(rows[0][0]), str(rows[0][1])
    return seq, epoch, [PageRow(*row[2:]) for row in rows if row[2] is not None]


# The counter's one row, beside each of the page's rows (or beside NULLs when there are none).
_COUNTER_AND_PAGE = (
    "SELECT c.seq, c.epoch, p.* FROM sync_counter AS c LEFT JOIN LATERAL ("
    "SELECT record_type, record_id, field, value, hlc, seq FROM field_state "
    "WHERE account_id = ? AND (seq, record_id, field) > (?, ?, ?) "
    "ORDER BY seq, record_id, field LIMIT ?) AS p ON true WHERE c.account_id = ?"
)
