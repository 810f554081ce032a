"""The account's security log: what happened to the account, when, and from which address.

Written in the transaction of the change it records; read by the account itself
(``GET /api/me/security-log``) and pruned by the hourly sweep after a year.
"""

from __future__ import annotations

from backend.db import security_events
from backend.db.connection import Connection
from backend.db.engine import Database
from backend.db.security_events import Event

# sign_up | sign_in | sign_in_failed | password_changed | signed_out_everywhere |
# subscription_moved_in | subscription_moved_out | throttled (detail: which action)
RECENT = 100
# A client hammering a throttled action is logged once per window, not once per request.
THROTTLED_EVERY_MS = 10 * 60_000


async def record(
    conn: Connection,
    account_id: int,
    kind: str,
    at_ms: int,
    address: str | None = None,
    detail: str | None = None,
) -> None:
    await security_events.insert(conn, account_id, kind, at_ms, address, detail)


async def record_throttled(
    conn: Connection, account_id: int, action: str, at_ms: int, address: str | None
) -> None:
    last = await security_events.last_at(conn, account_id, "throttled", action)
    if last is None or at_ms - last >= THROTTLED_EVERY_MS:
        await record(conn, account_id, "throttled", at_ms, address, action)


class SecurityLog:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def recent(self, account_id: int) -> list[Event]:
        """The newest events first."""
        async with self.db.read() as conn:
            return await security_events.recent(conn, account_id, RECENT)
