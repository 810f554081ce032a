"""What a due reminder says, from the account's records at the moment it fires.

- The limb: the reminder's own, unless a limb of that body part is injured or recovering
  (``limb_status``): then the body part is in cross-education mode and the reminder is for the
  trained, opposite limb, with the plan's prescription (``cross_education.plan``). Its
  exercises are the reminder's, else the plan's.
- Nothing at all when that limb was already trained on the reminder's local day: a set on its
  side of an exercise of its body part, that day on the reminder's clock (``tz``).
- Exercise names come from the catalogue or the user's own exercise records; ids that name
  nothing known (yet) are left out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from backend.db import insight_store, set_history
from backend.db.connection import Connection
from backend.db.reminder_schedule import Timing
from backend.domain.cross_education import plan
from backend.domain.limbs import LimbStatus, involvement
from backend.domain.notification import Notification
from backend.domain.reminders import ReminderLimb, reminder_message


class AccountReminders:
    """One account's reminders fired in one dispatch transaction (limb statuses read once)."""

    def __init__(self, conn: Connection, account_id: int) -> None:
        self.conn = conn
        self.account_id = account_id
        self._statuses: list[LimbStatus] | None = None

    async def message(self, timing: Timing, fire_at_ms: int) -> Notification | None:
        zone = ZoneInfo(timing.tz)
        day = datetime.fromtimestamp(fire_at_ms / 1000, UTC).astimezone(zone).date()
        side, kind = timing.limb.split("_")
        exercises = [e for e in timing.exercises.split(",") if e]
        involved = involvement(await self._limb_statuses(), kind)
        prescription = None
        if involved is not None:
            side = "right" if involved.side == "left" else "left"
            block = plan(involved, await self._usage(kind), day)
            prescription = block.prescription
            exercises = exercises or list(block.exercises)
        limb = cast("ReminderLimb", f"{side}_{kind}")  # both parts come from a valid limb
        names = await insight_store.exercise_names(self.conn, self.account_id, exercises)
        return reminder_message(
            limb,
            [(e, names[e]) for e in exercises if e in names],
            prescription,
            await self._trained_on(side, kind, day, zone),
        )

    async def _limb_statuses(self) -> list[LimbStatus]:
        if self._statuses is None:
            self._statuses = await insight_store.limb_statuses(self.conn, self.account_id)
        return self._statuses

    async def _usage(self, kind: str) -> dict[str, int]:
        """Per-side sets logged of each exercise of ``kind`` (``cross_education.usage``)."""
        counts = await set_history.sets_per_exercise(self.conn, self.account_id)
        kinds = await insight_store.exercise_kinds(self.conn, self.account_id, sorted(counts))
        return {e: n for e, n in counts.items() if kinds.get(e) == kind}

    async def _trained_on(self, side: str, kind: str, day: date, zone: ZoneInfo) -> bool:
        start = datetime.combine(day, time(), tzinfo=zone)
        end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
        done = await set_history.exercises_trained(
            self.conn, self.account_id, side, _ms(start), _ms(end)
        )
        kinds = await insight_store.exercise_kinds(self.conn, self.account_id, done)
        return any(kinds.get(e) == kind for e in done)


def _ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)
