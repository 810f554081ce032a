"""The account's security log: what happened to the account, when, and from which address.

Written in the transaction of the change it records; read by the account itself
(``GET /api/me/security-log``) and pruned by the hourly sweep after a year.
"""

from __future__ import annotations

from typing import NamedTuple

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.engine import Database

# sign_up | sign_in | sign_in_failed | password_changed | signed_out_everywhere |
# subscription_moved_in | subscription_moved_out | throttled (detail: which action)
RECENT = 100
# A client hammering a throttled action is logged once per window, not once per request.
THROTTLED_EVERY_MS = 10 * 60_000

_INSERT = text(
    "INSERT INTO security_event (account_id, kind, at_ms, address, detail) "
    "VALUES (:account_id, :kind, :at_ms, :address, :detail)"
)
_RECENT = text(
    "SELECT kind, at_ms, address, detail FROM security_event WHERE account_id = :account_id "
    "ORDER BY at_ms DESC, id DESC LIMIT :limit"
)
_LAST_THROTTLED = text(
    "SELECT max(at_ms) FROM security_event "
    "WHERE account_id = :account_id AND kind = 'throttled' AND detail = :detail"
)


class Event(NamedTuple):
    kind: str
    at_ms: int
    address: str | None
    detail: str | None


async def record(
    conn: AsyncConnection,
    account_id: int,
    kind: str,
    at_ms: int,
    address: str | None = None,
    detail: str | None = None,
) -> None:
    params = {"account_id": account_id, "kind": kind, "at_ms": at_ms}
    await conn.execute(_INSERT, params | {"address": address, "detail": detail})


async def record_throttled(
    conn: AsyncConnection, account_id: int, action: str, at_ms: int, address: str | None
) -> None:
    last = (
        await conn.execute(_LAST_THROTTLED, {"account_id": account_id, "detail": action})
    ).scalar_one_or_none()
    if last is None or at_ms - last >= THROTTLED_EVERY_MS:
        await record(conn, account_id, "throttled", at_ms, address, action)


class SecurityLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def recent(self, account_id: int) -> list[Event]:
        """The newest events first."""
        async with self.db.read() as conn:
            rows = await conn.execute(_RECENT, {"account_id": account_id, "limit": RECENT})
            return [Event(*row) for row in rows]
