"""``device``: HLC node ids and the account each was issued to."""

from __future__ import annotations

from backend.db.connection import Connection
from backend.db.driver import execute, fetch, is_pg


async def lock_account(conn: Connection, account_id: int) -> None:
    """Serialise an account's registrations (SQLite's one writer already does): they wait for
    each other on the account's sequence row, so caps hold across workers."""
    if is_pg(conn):
        sql = "SELECT seq FROM sync_counter WHERE account_id = ? FOR UPDATE"
        await execute(conn, sql, (account_id,))


async def count(conn: Connection, account_id: int) -> int:
    ((held,),) = await fetch(
        conn, "SELECT count(*) FROM device WHERE account_id = ?", (account_id,)
    )
    return int(held)


async def insert(conn: Connection, node: str, account_id: int, now_ms: int) -> None:
    sql = "INSERT INTO device (node_id, account_id, created_at_ms) VALUES (?, ?, ?)"
    await execute(conn, sql, (node, account_id, now_ms))


async def owner(conn: Connection, node: str) -> int | None:
    rows = await fetch(conn, "SELECT account_id FROM device WHERE node_id = ?", (node,))
    return int(rows[0][0]) if rows else None
