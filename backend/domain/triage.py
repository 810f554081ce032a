"""A patient's summary for the clinician, and the order that puts those who need attention first.

The summary is a pure function of the patient's session LSIs, open alerts, plan adherence and
H:Q ratio on a given day. Change against the previous window is the mean session LSI of the
last N days less that of the N days before (N = 7 and 28), in tenths of a point.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta

import msgspec

from backend.domain.alerts import AlertRecord
from backend.domain.hq import Hq
from backend.domain.strength import Limb
from backend.domain.symmetry import LSI_MIN_PCT, SessionLsi

WINDOWS = (7, 28)
LOOKBACK_DAYS = 2 * max(WINDOWS)  # the history a summary reads
ADHERENCE_TARGET_X10 = 800  # below 80 % of planned sessions counts as a concern


class ExerciseLsi(msgspec.Struct, frozen=True, kw_only=True):
    exercise: str
    name: str
    latest_x10: int
    latest_day: date
    change_7_x10: int | None  # None: no session in one of the two windows
    change_28_x10: int | None


class OpenAlert(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    exercise: str
    side: str
    value_x10: int
    message: str
    created_at: int


class PlanAdherence(msgspec.Struct, frozen=True, kw_only=True):
    kind: str  # arm | leg
    involved_side: Limb
    trained_side: Limb
    done: int
    planned: int
    percent_x10: int | None


class Summary(msgspec.Struct, frozen=True, kw_only=True):
    day: date  # the patient's local day it was judged on
    exercises: tuple[ExerciseLsi, ...]  # lowest LSI first
    alerts: tuple[OpenAlert, ...]
    adherence: tuple[PlanAdherence, ...]
    hq_left_x1000: int | None
    hq_right_x1000: int | None
    hq_below: tuple[Limb, ...]
    attention: int  # higher first
    reasons: tuple[str, ...]


class ExerciseBrief(msgspec.Struct, frozen=True, kw_only=True):
    exercise: str
    latest_x10: int
    change_7_x10: int | None
    change_28_x10: int | None


class AlertBrief(msgspec.Struct, frozen=True, kw_only=True):
    """An open alert as the patient list shows it (the message is in the patient view)."""

    kind: str
    exercise: str
    side: str
    value_x10: int


class PlanBrief(msgspec.Struct, frozen=True, kw_only=True):
    kind: str
    percent_x10: int | None


class ListSummary(msgspec.Struct, frozen=True, kw_only=True):
    """The part of a stored ``Summary`` the patient list carries: decoded straight from the
    stored JSON (unknown fields skipped), so a list of 200 stays small and cheap."""

    day: date
    exercises: tuple[ExerciseBrief, ...]
    alerts: tuple[AlertBrief, ...]
    adherence: tuple[PlanBrief, ...]
    hq_left_x1000: int | None
    hq_right_x1000: int | None
    hq_below: tuple[Limb, ...]
    attention: int
    reasons: tuple[str, ...]


def window_change(series: Sequence[SessionLsi], today: date, days: int) -> int | None:
    """Mean LSI of the last ``days`` days less the mean of the ``days`` before, rounded down."""
    recent = [s.lsi_x10 for s in series if today - timedelta(days=days) < s.day <= today]
    before = [
        s.lsi_x10
        for s in series
        if today - timedelta(days=2 * days) < s.day <= today - timedelta(days=days)
    ]
    if not recent or not before:
        return None
    num = sum(recent) * len(before) - sum(before) * len(recent)
    return num // (len(recent) * len(before))


def summarise(
    today: date,
    lsi: Mapping[str, Sequence[SessionLsi]],
    names: Mapping[str, str],
    alerts: Iterable[AlertRecord],
    adherence: Iterable[PlanAdherence],
    hq: Hq,
) -> Summary:
    exercises = sorted(
        (
            ExerciseLsi(
                exercise=exercise,
                name=names.get(exercise, exercise),
                latest_x10=series[-1].lsi_x10,
                latest_day=series[-1].day,
                change_7_x10=window_change(series, today, 7),
                change_28_x10=window_change(series, today, 28),
            )
            for exercise, series in lsi.items()
            if series
        ),
        key=lambda e: (e.latest_x10, e.exercise),
    )
    open_alerts = tuple(
        OpenAlert(
            kind=a.kind,
            exercise=a.exercise,
            side=a.side,
            value_x10=a.value_x10,
            message=a.message,
            created_at=a.created_at,
        )
        for a in sorted(alerts, key=lambda a: (a.created_at, a.record_id))
        if a.cleared_at is None
    )
    plans = tuple(adherence)
    legs = {leg.side: leg for leg in hq.legs}
    summary = Summary(
        day=today,
        exercises=tuple(exercises),
        alerts=open_alerts,
        adherence=plans,
        hq_left_x1000=legs["left"].latest_x1000 if "left" in legs else None,
        hq_right_x1000=legs["right"].latest_x1000 if "right" in legs else None,
        hq_below=hq.flagged,
        attention=0,
        reasons=(),
    )
    score, reasons = attention(summary)
    return msgspec.structs.replace(summary, attention=score, reasons=reasons)


def attention(summary: Summary) -> tuple[int, tuple[str, ...]]:
    """How much a patient needs looking at, and why: open alerts weigh most, then LSI below
    90 %, missed planned sessions, an H:Q flag and a falling weekly LSI."""
    score = 0
    reasons: list[str] = []
    if summary.alerts:
        score += 1000 * len(summary.alerts)
        reasons.append(f"{len(summary.alerts)} open alert{'s' * (len(summary.alerts) > 1)}")
    low = [e for e in summary.exercises if e.latest_x10 < LSI_MIN_PCT * 10]
    if low:
        worst = low[0]
        score += 10 * (LSI_MIN_PCT * 10 - worst.latest_x10)
        reasons.append(f"LSI {_pct(worst.latest_x10)} % on {worst.name}")
    for plan in summary.adherence:
        if plan.percent_x10 is not None and plan.percent_x10 < ADHERENCE_TARGET_X10:
            score += ADHERENCE_TARGET_X10 - plan.percent_x10
            reasons.append(f"{plan.kind} plan adherence {_pct(plan.percent_x10)} %")
    if summary.hq_below:
        score += 300 * len(summary.hq_below)
        reasons.append("H:Q below 0.6 on the " + " and ".join(summary.hq_below) + " leg")
    falling = [e for e in summary.exercises if e.change_7_x10 is not None and e.change_7_x10 < 0]
    if falling:
        drop = min(e.change_7_x10 or 0 for e in falling)
        score += -drop
        reasons.append(f"LSI down {_pct(-drop)} points this week")
    return score, tuple(reasons)


def _pct(x10: int) -> str:
    return f"{x10 // 10}.{x10 % 10}"


def triage_key(attention_score: int, label: str) -> tuple[int, str]:
    """Sort key: most attention first, then by name."""
    return (-attention_score, label)
