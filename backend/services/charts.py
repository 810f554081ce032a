"""One exercise's chart for the signed-in account: a range's read from the daily aggregate, the
whole history's from the weekly one (a row per week, not per day)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from zoneinfo import ZoneInfo

import msgspec

from backend.db import insight_store, weekly
from backend.db.connection import Connection
from backend.db.engine import Database
from backend.domain.charts import Chart, chart, check_range
from backend.domain.errors import InvalidInput
from backend.domain.limbs import Involvement, involvement
from backend.domain.records import is_exercise_ref
from backend.domain.strength import DailyBest, DayFigures, Formula, WeeklyVolume, bests_of, weeks_of
from backend.services import daily


class ChartView(msgspec.Struct, frozen=True, kw_only=True):
    time_zone: str  # the zone the days are counted in
    start: date | None
    end: date | None
    chart: Chart


# (zone, involvement, daily bests, weekly volume)
_Read = tuple[ZoneInfo, Involvement | None, Sequence[DailyBest], Sequence[WeeklyVolume]]


class Charts:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def chart(
        self,
        account_id: int,
        exercise: str,
        *,
        start: date | None = None,
        end: date | None = None,
        formula: Formula = "epley",
    ) -> ChartView:
        if not is_exercise_ref(exercise):
            raise InvalidInput(
                "exercise must be a catalogue id or a custom exercise's record id",
                code="unknown_exercise",
            )
        check_range(start, end)

        async def read(conn: Connection) -> _Read:
            """Every read of the chart in one snapshot (one hop to a reader on SQLite)."""
            zone = await daily.account_zone(conn, account_id)
            kinds = await insight_store.exercise_kinds(conn, account_id, [exercise])
            involved = involvement(
                await insight_store.limb_statuses(conn, account_id), kinds.get(exercise, "other")
            )
            if start is None and end is None:
                # Every week whole, and no day before the first to find a baseline in.
                weeks, bests = await weekly.all_time(conn, account_id, exercise, formula)
                return zone, involved, bests, weeks
            shown = await insight_store.figures(conn, account_id, exercise, start, end)
            earlier: list[DayFigures] = []
            if involved is not None and start is not None:
                # The baseline is the best before the injury, wherever the range starts.
                earlier = await insight_store.figures_before(
                    conn, account_id, exercise, involved.side, min(start, involved.since)
                )
            # A range's first and last week may be partial: summed from the days shown.
            return zone, involved, bests_of([*earlier, *shown], formula), weeks_of(shown)

        zone, involved, bests, weeks = await self.db.read_unit(read)
        view = chart(
            exercise,
            bests,
            weeks,
            formula=formula,
            injured=involved.side if involved else None,
            injured_since=involved.since if involved else None,
            start=start,
            end=end,
        )
        return ChartView(time_zone=zone.key, start=start, end=end, chart=view)
