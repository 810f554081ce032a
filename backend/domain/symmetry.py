"""Left-versus-right symmetry and the imbalance alerts built on it (docs/architecture.md, "Domain").

Percentages are carried as integers in tenths (``*_x10``: 874 means 87.4 %); thresholds are
decided with exact integer cross-multiplication so rounding for display never flips an alert.
Alerts need agreement across sessions inside a window, so one noisy set can never raise one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, date, timedelta, tzinfo
from typing import Literal

import msgspec

from backend.domain.strength import (
    DailyBest,
    DayFigures,
    Formula,
    Limb,
    SetEntry,
    bests_of,
    daily_figures,
    local_day,
    week_start,
    weeks_of,
)

AlertKind = Literal["lsi", "volume", "baseline"]
_Emit = Callable[[AlertKind, Limb, int, str], None]

LSI_INJURED = "LSI = involved ÷ uninvolved × 100"
LSI_UNINJURED = "LSI = weaker ÷ stronger × 100"
ASYMMETRY = "asymmetry = (stronger − weaker) ÷ stronger × 100"
BASELINE = "baseline = involved ÷ own pre-injury best × 100"

LSI_MIN_PCT = 90  # return-to-sport threshold
VOLUME_MAX_ASYMMETRY_PCT = 20
_WEEK_END = timedelta(days=6)
SESSIONS_TO_AGREE = 2  # sessions needed both to raise and to clear an alert
DEFAULT_WINDOW_DAYS = 28


class Injury(msgspec.Struct, frozen=True, kw_only=True):
    """A limb marked injured since a local day; its LSI is involved ÷ uninvolved."""

    side: Limb
    since: date


class Symmetry(msgspec.Struct, frozen=True, kw_only=True):
    """One left/right comparison, naming the formulas it used."""

    lsi_x10: int
    lsi_formula: str
    asymmetry_x10: int
    asymmetry_formula: str
    low_side: Limb  # the involved limb when injured, else the weaker one
    band: Literal["fine", "watch", "flag"]  # asymmetry < 10 %, 10–15 %, ≥ 15 %


class SessionLsi(msgspec.Struct, frozen=True, kw_only=True):
    day: date
    left_e1rm_g: int
    right_e1rm_g: int
    lsi_x10: int
    low: bool  # LSI below 90 %, decided exactly


class Alert(msgspec.Struct, frozen=True, kw_only=True):
    kind: AlertKind
    exercise: str
    side: Limb
    value_x10: int  # LSI, volume asymmetry or % of pre-injury best, by kind
    window_start: date
    window_end: date
    message: str


def _pct_x10(part: int, whole: int) -> int:
    return (2 * part * 1000 + whole) // (2 * whole)


def _other(side: Limb) -> Limb:
    return "right" if side == "left" else "left"


def symmetry(left: int, right: int, injured: Limb | None = None) -> Symmetry | None:
    """Compare two per-side values; None when the reference side is zero (nothing to compare)."""
    stronger, weaker = max(left, right), min(left, right)
    if stronger <= 0:
        return None
    if injured is None:
        low_side: Limb = "left" if left < right else "right" if right < left else "left"
        involved, uninvolved, formula = weaker, stronger, LSI_UNINJURED
    else:
        low_side = injured
        involved, uninvolved = (left, right) if injured == "left" else (right, left)
        formula = LSI_INJURED
        if uninvolved <= 0:
            return None
    asym = _pct_x10(stronger - weaker, stronger)
    band: Literal["fine", "watch", "flag"] = (
        "fine"
        if (stronger - weaker) * 10 < stronger
        else "watch"
        if (stronger - weaker) * 100 < stronger * 15
        else "flag"
    )
    return Symmetry(
        lsi_x10=_pct_x10(involved, uninvolved),
        lsi_formula=formula,
        asymmetry_x10=asym,
        asymmetry_formula=ASYMMETRY,
        low_side=low_side,
        band=band,
    )


def lsi_series(bests: Iterable[DailyBest], injured: Limb | None = None) -> tuple[SessionLsi, ...]:
    """Per-session LSI for the days on which both sides were trained.

    ``symmetry``'s LSI, inlined: an all-time chart has thousands of sessions.
    """
    by_day: dict[date, list[int | None]] = {}
    for b in bests:
        pair = by_day.get(b.day)
        if pair is None:
            pair = by_day[b.day] = [None, None]
        pair[0 if b.side == "left" else 1] = b.e1rm_g
    out: list[SessionLsi] = []
    for day in sorted(by_day):
        left, right = by_day[day]
        if left is None or right is None or max(left, right) <= 0:
            continue
        if injured is None:
            involved, uninvolved = min(left, right), max(left, right)
        else:
            involved, uninvolved = (left, right) if injured == "left" else (right, left)
            if uninvolved <= 0:
                continue
        out.append(
            SessionLsi(
                day=day,
                left_e1rm_g=left,
                right_e1rm_g=right,
                lsi_x10=_pct_x10(involved, uninvolved),
                low=involved * 100 < uninvolved * LSI_MIN_PCT,
            )
        )
    return tuple(out)


def alert_active(lows: Sequence[bool]) -> bool:
    """Hysteresis over sessions in order: raised by two low sessions, cleared by two good ones.

    Low sessions need not be consecutive (any two in the window raise it); clearing needs two good
    sessions after the last low one, so one good day inside a bad spell does not clear it.
    """
    active, low_count, good_run = False, 0, 0
    for low in lows:
        if low:
            low_count, good_run = low_count + 1, 0
            active = active or low_count >= SESSIONS_TO_AGREE
        else:
            good_run += 1
            if active and good_run >= SESSIONS_TO_AGREE:
                active, low_count = False, 0
    return active


def evaluate(
    sets: Iterable[SetEntry],
    exercise: str,
    *,
    now_ms: int,
    zone: tzinfo = UTC,
    injury: Injury | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    formula: Formula = "epley",
) -> tuple[Alert, ...]:
    """The alerts standing for one exercise at ``now_ms``, judged on the trailing window."""
    figures = daily_figures((s for s in sets if s.exercise == exercise), zone)
    return evaluate_days(
        figures,
        exercise,
        today=local_day(now_ms, zone),
        injury=injury,
        window_days=window_days,
        formula=formula,
    )


def evaluate_days(
    figures: Iterable[DayFigures],
    exercise: str,
    *,
    today: date,
    injury: Injury | None = None,
    window_days: int = DEFAULT_WINDOW_DAYS,
    formula: Formula = "epley",
) -> tuple[Alert, ...]:
    """``evaluate`` on one exercise's per-day figures (the server's daily aggregate).

    Figures before the window only matter for an injured limb's pre-injury best.
    """
    figures = tuple(f for f in figures if f.exercise == exercise)
    end = today
    start = end - timedelta(days=window_days - 1)
    bests = bests_of(figures, formula)
    recent = [b for b in bests if start <= b.day <= end]
    injured = injury.side if injury is not None else None
    alerts: list[Alert] = []

    def alert(kind: AlertKind, side: Limb, value_x10: int, message: str) -> None:
        alerts.append(
            Alert(
                kind=kind,
                exercise=exercise,
                side=side,
                value_x10=value_x10,
                window_start=start,
                window_end=end,
                message=message,
            )
        )

    series = lsi_series(recent, injured)
    if series and alert_active([s.low for s in series]):
        last = series[-1]
        side = injured or ("left" if last.left_e1rm_g < last.right_e1rm_g else "right")
        formula_name = LSI_INJURED if injured else LSI_UNINJURED
        lows = sum(s.low for s in series)
        alert(
            "lsi",
            side,
            last.lsi_x10,
            f"{formula_name}: {_fmt(last.lsi_x10)} % on {last.day.isoformat()}, below "
            f"{LSI_MIN_PCT} % in {lows} of {len(series)} sessions over {window_days} days",
        )

    if injury is not None:
        _baseline(bests, injury, start, alert)
    else:
        # Cross-education trains one side on purpose, so volume balance is judged only uninjured.
        _volume(figures, end, start, alert)
    return tuple(alerts)


def _fmt(x10: int) -> str:
    return f"{x10 // 10}.{x10 % 10}"


def _kg(grams: int) -> str:
    """Kilograms to 0.1 kg, exactly (messages are stored once and read on every device)."""
    tenths = (grams + 50) // 100
    return f"{tenths // 10:,}.{tenths % 10} kg"


def _baseline(bests: tuple[DailyBest, ...], injury: Injury, start: date, alert: _Emit) -> None:
    # LSI overstates recovery when the healthy side weakened too, so the involved limb is also
    # held against its own best from before the injury.
    injured_day = injury.since
    own = [b for b in bests if b.side == injury.side]
    before = [b.e1rm_g for b in own if b.day < injured_day]
    after = [b for b in own if b.day >= max(injured_day, start)]
    if not before or not after or max(before) <= 0:
        return
    best = max(before)
    if alert_active([b.e1rm_g * 100 < best * LSI_MIN_PCT for b in after]):
        last = after[-1]
        pct = _pct_x10(last.e1rm_g, best)
        alert(
            "baseline",
            injury.side,
            pct,
            f"{BASELINE}: {_fmt(pct)} % on {last.day.isoformat()} "
            f"({_kg(last.e1rm_g)} of {_kg(best)} estimated 1RM), below {LSI_MIN_PCT} %",
        )


def _volume(figures: tuple[DayFigures, ...], end: date, start: date, alert: _Emit) -> None:
    # Judge the last completed week inside the window: a week in progress is naturally lopsided
    # (left on Monday, right on Tuesday). The imbalance must also show in two of its sessions, so
    # one mistyped or skipped set cannot tip a whole week.
    this_week = week_start(end)
    weeks = [w for w in weeks_of(figures) if start <= w.week_start + _WEEK_END < this_week]
    if not weeks:
        return
    week = weeks[-1]
    if not _lopsided(week.left, week.right):
        return
    per_day: dict[date, list[int]] = {}
    for f in figures:
        if week_start(f.day) == week.week_start:
            per_day.setdefault(f.day, [0, 0])[0 if f.side == "left" else 1] += f.volume
    if sum(_lopsided(left, right) for left, right in per_day.values()) < SESSIONS_TO_AGREE:
        return
    stronger, weaker = max(week.left, week.right), min(week.left, week.right)
    pct = _pct_x10(stronger - weaker, stronger)
    side: Limb = "left" if week.left < week.right else "right"
    alert(
        "volume", side, pct,
        f"{ASYMMETRY} (weekly volume load Σ weight × reps): {_fmt(pct)} % in the week of "
        f"{week.week_start.isoformat()} (left {_kg(week.left)}·reps, "
        f"right {_kg(week.right)}·reps), "
        f"above {VOLUME_MAX_ASYMMETRY_PCT} %",
    )  # fmt: skip


def _lopsided(left: int, right: int) -> bool:
    stronger, weaker = max(left, right), min(left, right)
    return stronger > 0 and (stronger - weaker) * 100 > stronger * VOLUME_MAX_ASYMMETRY_PCT
