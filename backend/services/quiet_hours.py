"""The account's quiet hours: wall-clock hours without reminders, after which alert pushes go out.

Reminders read them on each reminder's own clock (its ``tz``), alerts on the account's zone. A
change re-plans every reminder of the account from now.
"""

from __future__ import annotations

from backend.db import account_settings, insight_store
from backend.db.engine import Database
from backend.domain.errors import InvalidInput
from backend.domain.schedule import QuietHours, ScheduleError
from backend.services import reminder_schedule
from backend.services.ports import WallClock


class QuietHoursSettings:
    def __init__(self, db: Database, wall: WallClock) -> None:
        self.db = db
        self.wall = wall

    async def get(self, account_id: int) -> QuietHours | None:
        async with self.db.read() as conn:
            return (await account_settings.quiet_of(conn, account_id)).quiet

    async def set(self, account_id: int, start: str | None, end: str | None) -> QuietHours | None:
        """Store ``start``–``end`` (HH:MM each), or none when both are None."""
        quiet = _parse(start, end)
        async with self.db.write() as conn:
            # Holding the sequence row orders this with pushes, so no reminder edit is planned
            # with the old quiet hours after the rebuild.
            await insight_store.lock_counter(conn, account_id)
            await account_settings.set_quiet(conn, account_id, start, end)
            await reminder_schedule.rebuild(conn, account_id, self.wall.now_ms())
        return quiet


def _parse(start: str | None, end: str | None) -> QuietHours | None:
    if start is None and end is None:
        return None
    if start is None or end is None:
        raise InvalidInput(
            "quiet hours need both start and end (HH:MM), or neither", code="invalid_quiet_hours"
        )
    try:
        return QuietHours(start=start, end=end)
    except ScheduleError as exc:
        raise InvalidInput(str(exc), code="invalid_quiet_hours") from None
