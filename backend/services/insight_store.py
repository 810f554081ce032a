"""Which accounts the insight loop judges next (the reads live in ``backend.db.insight_store``)."""

from __future__ import annotations

from backend.db import insight_store
from backend.db.connection import Connection


async def due_accounts(conn: Connection, stale_before_ms: int) -> list[int]:
    """Accounts with changes not yet judged, or not judged since ``stale_before_ms``."""
    return await insight_store.due_accounts(conn, stale_before_ms)
