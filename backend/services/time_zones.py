"""The account's time zone: the calendar its sessions, charts and alerts count days in."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from backend.db import account_settings, insight_store, sync_store
from backend.db.engine import Database
from backend.domain.errors import InvalidInput
from backend.domain.records import FieldError, time_zone
from backend.services import daily
from backend.services.insight_loop import InsightLoop


class TimeZones:
    def __init__(self, db: Database, insight: InsightLoop) -> None:
        self.db = db
        self.insight = insight

    async def set(self, account_id: int, name: str) -> None:
        try:
            time_zone("time_zone", name)
        except FieldError as exc:
            raise InvalidInput(exc.detail, code=exc.reason) from None
        async with self.db.write() as conn:
            # The account's turn, which a push takes before it reads the zone, and the sequence
            # row: every push and alert evaluation after this counts days in the new zone.
            await sync_store.lock_account(conn, account_id)
            await insight_store.lock_counter(conn, account_id)
            if await account_settings.time_zone_of(conn, account_id) == name:
                return
            await account_settings.set_time_zone(conn, account_id, name)
        # Then the aggregate, range by range, each in a short unit of its own so pushes go on
        # in between; every write from here on is in the new zone, so the ranges and the
        # pushes' own refreshes agree.
        zone = ZoneInfo(name)
        for chunk in await self.db.read_unit(lambda conn: daily.rebuild_chunks(conn, account_id)):
            if not await self.db.write_unit(
                lambda conn, chunk=chunk: daily.rebuild_chunk(conn, account_id, zone, chunk),  # type: ignore[misc]
                weight=daily.REBUILD_SETS,
            ):
                break
        self.insight.notify(account_id)
