"""``security_event``: what happened to an account, when, and from which address."""

from __future__ import annotations

from typing import NamedTuple

from backend.db.connection import Connection
from backend.db.driver import execute, fetch


class Event(NamedTuple):
    kind: str
    at_ms: int
    address: str | None
    detail: str | None


async def insert(
    conn: Connection,
    account_id: int,
    kind: str,
    at_ms: int,
    address: str | None,
    detail: str | None,
) -> None:
    sql = (
        "INSERT INTO security_event (account_id, kind, at_ms, address, detail) "
        "VALUES (?, ?, ?, ?, ?)"
    )
    await execute(conn, sql, (account_id, kind, at_ms, address, detail))


async def last_at(conn: Connection, account_id: int, kind: str, detail: str) -> int | None:
    """When the account's latest event of this kind and detail happened, if ever."""
    sql = "SELECT max(at_ms) FROM security_event WHERE account_id = ? AND kind = ? AND detail = ?"
    ((at_ms,),) = await fetch(conn, sql, (account_id, kind, detail))
    return None if at_ms is None else int(at_ms)


async def recent(conn: Connection, account_id: int, limit: int) -> list[Event]:
    """The newest events first."""
    sql = (
        "SELECT kind, at_ms, address, detail FROM security_event WHERE account_id = ? "
        "ORDER BY at_ms DESC, id DESC LIMIT ?"
    )
    return [Event(*row) for row in await fetch(conn, sql, (account_id, limit))]
