"""What a clinician sees of one patient, built from the patient's daily aggregate, limb statuses
and alert records: the summary the list shows (stored in ``patient_summary``) and the detail."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec

from backend.db import insight_store, set_history
from backend.db.connection import Connection
from backend.domain.charts import Chart, chart
from backend.domain.cross_education import adherence, plan
from backend.domain.hq import HAMSTRING, QUADRICEPS, Hq, hq
from backend.domain.limbs import LimbStatus, involvement
from backend.domain.strength import DayFigures, SetEntry, bests_of, weeks_of
from backend.domain.symmetry import lsi_series
from backend.domain.triage import (
    LOOKBACK_DAYS,
    ListSummary,
    PlanAdherence,
    Summary,
    summarise,
)

CHART_DAYS = 90  # the detail's charts
HQ_DAYS = 365


async def build(conn: Connection, patient_id: int, zone: ZoneInfo, today: date) -> Summary:
    first = today - timedelta(days=LOOKBACK_DAYS - 1)
    exercises = await insight_store.exercises_since(conn, patient_id, first)
    kinds = await insight_store.exercise_kinds(conn, patient_id, exercises)
    names = await insight_store.exercise_names(conn, patient_id, exercises)
    statuses = await insight_store.limb_statuses(conn, patient_id)
    lsi = {}
    for exercise in exercises:
        involved = involvement(statuses, kinds.get(exercise, "other"))
        figures = await insight_store.figures(conn, patient_id, exercise, first, today)
        lsi[exercise] = lsi_series(bests_of(figures), involved.side if involved else None)
    return summarise(
        today,
        lsi,
        names,
        await insight_store.alert_records(conn, patient_id),
        await plans(conn, patient_id, statuses, zone, today),
        await leg_ratio(conn, patient_id, today),
    )


async def leg_ratio(conn: Connection, account_id: int, today: date) -> Hq:
    first = today - timedelta(days=HQ_DAYS - 1)
    figures: list[DayFigures] = []
    for exercise in (*HAMSTRING, *QUADRICEPS):
        figures += await insight_store.figures(conn, account_id, exercise, first, today)
    return hq(figures)


async def plans(
    conn: Connection,
    patient_id: int,
    statuses: list[LimbStatus],
    zone: ZoneInfo,
    today: date,
) -> list[PlanAdherence]:
    """Cross-education adherence of each limb kind with an injured or recovering limb."""
    out = []
    for kind in ("arm", "leg"):
        involved = involvement(statuses, kind)
        if involved is None:
            continue
        counts = await set_history.sets_per_exercise(conn, patient_id)
        kinds = await insight_store.exercise_kinds(conn, patient_id, sorted(counts))
        block = plan(involved, {e: n for e, n in counts.items() if kinds.get(e) == kind}, today)
        sessions: list[SetEntry] = []
        for exercise in block.kind_exercises:
            days = await insight_store.figures(conn, patient_id, exercise, block.start, today)
            # A day's figures stand for its sets: adherence counts days, not sets.
            sessions += [
                SetEntry(
                    exercise=exercise,
                    side=f.side,
                    reps=f.sets,
                    weight_g=0,
                    performed_at=_noon_ms(f.day, zone),
                )
                for f in days
            ]
        done = adherence(sessions, block, today, zone)
        out.append(
            PlanAdherence(
                kind=kind,
                involved_side=block.involved_side,
                trained_side=block.trained_side,
                done=done.done,
                planned=done.planned,
                percent_x10=done.percent_x10,
            )
        )
    return out


async def charts(
    conn: Connection, patient_id: int, exercises: list[str], today: date
) -> list[Chart]:
    """The patient's own charts of these exercises over the last ``CHART_DAYS`` days."""
    start = today - timedelta(days=CHART_DAYS - 1)
    kinds = await insight_store.exercise_kinds(conn, patient_id, exercises)
    statuses = await insight_store.limb_statuses(conn, patient_id)
    out = []
    for exercise in exercises:
        involved = involvement(statuses, kinds.get(exercise, "other"))
        shown = await insight_store.figures(conn, patient_id, exercise, start, today)
        out.append(
            chart(
                exercise,
                bests_of(shown),
                weeks_of(shown),
                injured=involved.side if involved else None,
                injured_since=involved.since if involved else None,
                start=start,
                end=today,
            )
        )
    return out


def encode(summary: Summary) -> str:
    return msgspec.json.encode(summary).decode()


_DECODER = msgspec.json.Decoder(Summary)
_LIST_DECODER = msgspec.json.Decoder(ListSummary)


def decode(body: str) -> Summary:
    return _DECODER.decode(body)


def decode_listed(body: str) -> ListSummary:
    return _LIST_DECODER.decode(body)


def _noon_ms(day: date, zone: ZoneInfo) -> int:
    return int(datetime.combine(day, time(12), tzinfo=zone).timestamp() * 1000)
