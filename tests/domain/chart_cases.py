"""Chart cases shared with the web app: what ``backend.domain.charts.chart`` shows for a history.

``python -m tests.domain.chart_cases`` (``make vectors``) rewrites ``tests/fixtures/charts.json``
from a fixed seed. Python computes every expected chart (and involved limb); the JavaScript twin
in ``pwa/js/insight/`` replays them under ``node --test`` and must match exactly. One case per
line, so a change in the rules shows up as a readable diff.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, get_args
from zoneinfo import ZoneInfo

import msgspec

from backend.domain.charts import chart_of_sets
from backend.domain.limbs import DEFAULT_SESSIONS_PER_WEEK, LimbStatus, Status, involvement
from backend.domain.strength import Formula, Limb, SetEntry, Side

CASES_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "charts.json"
SEED = 20261121
SET_FIELDS = ("exercise", "side", "reps", "weight_g", "performed_at")
EXERCISE = "single-leg-press"
OTHER = "single-arm-db-row"
# Zones whose offsets are odd (+5:45), move by 30 minutes, or change in spring and autumn.
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu")
# Mondays just before a DST change in some zone (or a quiet one), so histories straddle it.
STARTS = (date(2026, 3, 2), date(2026, 3, 23), date(2026, 9, 28), date(2026, 10, 19))
# Reps where the rules change: undefined, a single, last confident, first low-confidence,
# Brzycki's last defined and first undefined.
EDGE_REPS = (0, 1, 12, 13, 36, 37)
MAX_WEIGHT_G = 1_000_000
MAX_REPS = 1000
_MIRROR: dict[Side, Side] = {"left": "right", "right": "left", "both": "both"}
_OTHER: dict[Limb, Limb] = {"left": "right", "right": "left"}

Json = dict[str, Any]


def _instant(day: date, minute_of_day: int, zone: str) -> int:
    """Epoch ms of a local wall time (minutes past local midnight; past 24 h runs into the next
    day). Times in a DST gap resolve the way zoneinfo does; only the instant is kept."""
    local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone))
    return int((local + timedelta(minutes=minute_of_day)).timestamp() * 1000)


def _late_or_usual(rng: random.Random) -> int:
    # Mostly evening sessions, some spanning local midnight, some at dawn.
    return rng.choice((18 * 60, 19 * 60 + 30, 23 * 60 + 20, 23 * 60 + 50, 6 * 60, 60))


def _session(
    rng: random.Random,
    day: date,
    zone: str,
    loads: dict[Limb, int | None],
    formula: Formula,
) -> list[SetEntry]:
    """Three working sets per trained side, alternating sides, two minutes apart."""
    t = _late_or_usual(rng)
    out: list[SetEntry] = []
    for n in range(3):
        for side, load in loads.items():
            if load is None:
                continue
            top = 36 if formula == "brzycki" else 15
            reps = rng.choice((5, 6, 8, 8, 10, 12, rng.randint(1, top)))
            weight = max(0, load + rng.choice((-2500, 0, 0, 2500)))
            out.append(_set(EXERCISE, side, reps, weight, _instant(day, t + 2 * n, zone)))
            t += 1
    if rng.random() < 0.2:
        out.append(_set(EXERCISE, "both", 8, 2 * (loads["left"] or 40_000), _instant(day, t, zone)))
    if rng.random() < 0.3:
        out.append(_set(OTHER, rng.choice(("left", "right")), 10, 22_000, _instant(day, t, zone)))
    return out


def _set(exercise: str, side: Side, reps: int, weight_g: int, at: int) -> SetEntry:
    return SetEntry(exercise=exercise, side=side, reps=reps, weight_g=weight_g, performed_at=at)


def _weeks(rng: random.Random, first: date, weeks: int) -> Iterator[date]:
    for week in range(weeks):
        for weekday in sorted(rng.sample(range(7), rng.choice((2, 3, 3, 4)))):
            yield first + timedelta(days=7 * week + weekday)


def _steady(rng: random.Random, zone: str, formula: Formula) -> tuple[list[SetEntry], None]:
    """Both sides trained together for weeks, one a little weaker, both progressing."""
    first = rng.choice(STARTS)
    left = rng.randint(40, 80) * 1000
    right = left * rng.randint(80, 115) // 100
    sets: list[SetEntry] = []
    for n, day in enumerate(_weeks(rng, first, rng.randint(4, 9))):
        skip = rng.random()
        loads: dict[Limb, int | None] = {
            "left": None if skip < 0.08 else left + 1250 * n,
            "right": None if 0.08 <= skip < 0.16 else right + 1250 * n,
        }
        sets += _session(rng, day, zone, loads, formula)
    return sets, None


def _rehab(
    rng: random.Random, zone: str, formula: Formula
) -> tuple[list[SetEntry], tuple[Limb, date]]:
    """Weeks of both sides, then one limb hurt: the free limb trains alone (cross-education),
    later the involved one returns light and climbs."""
    first = rng.choice(STARTS)
    injured: Limb = rng.choice(("left", "right"))
    before = rng.choice((0, 2, 3))  # 0: hurt before the first logged set, so no baseline
    hurt = first + timedelta(days=7 * before + rng.randint(0, 6))
    free_only = rng.randint(1, 3)  # weeks the involved limb rests
    load = rng.randint(50, 90) * 1000
    sets: list[SetEntry] = []
    for day in _weeks(rng, first, before + free_only + rng.randint(2, 5)):
        if day < hurt:
            loads: dict[Limb, int | None] = {"left": load, "right": load}
        else:
            weeks_back = (day - hurt).days // 7 - free_only
            back = None if weeks_back < 0 else load * (55 + 9 * weeks_back) // 100
            loads = (
                {"left": back, "right": load}
                if injured == "left"
                else {"left": load, "right": back}
            )
        sets += _session(rng, day, zone, loads, formula)
    return sets, (injured, hurt)


def _edges(rng: random.Random, zone: str, formula: Formula) -> tuple[list[SetEntry], None]:
    """Rep counts where the rules change, bodyweight sets, ties, and the heaviest loads."""
    first = rng.choice(STARTS)
    sets = []
    for n in range(rng.randint(8, 14)):
        day = first + timedelta(days=rng.randint(0, 27))
        at = _instant(day, rng.randint(0, 24 * 60 - 1), zone)
        side: Side = rng.choice(("left", "right", "right", "left", "both"))
        reps = rng.choice((*EDGE_REPS, 5, 8))
        # Odd grams (45 lb is 20,412 g) put estimates on exact halves: 20,001 g × 35/30.
        weight = rng.choice((0, 20_001, 20_412, 60_000, 75_000, 100_000, MAX_WEIGHT_G))
        sets.append(_set(EXERCISE, side, reps, weight, at + n))
        if rng.random() < 0.4:
            # Same e1RM from a heavier single (Epley 75 kg × 10 = 100 kg × 1): the heavier wins.
            sets.append(_set(EXERCISE, side, 1, 100_000, at + n + 60_000))
            sets.append(_set(EXERCISE, side, 10, 75_000, at + n + 120_000))
    # Bodyweight sets all estimate 0: more reps must win whichever comes first.
    sets.append(_set(EXERCISE, "left", 8, 0, _instant(first, 500, zone)))
    sets.append(_set(EXERCISE, "left", 12, 0, _instant(first, 501, zone)))
    sets.append(_set(EXERCISE, "right", 12, 0, _instant(first, 502, zone)))
    sets.append(_set(EXERCISE, "right", 8, 0, _instant(first, 503, zone)))
    sets.append(_set(EXERCISE, "left", MAX_REPS, MAX_WEIGHT_G, _instant(first, 600, zone)))
    sets.append(_set(EXERCISE, "right", MAX_REPS, MAX_WEIGHT_G, _instant(first, 601, zone)))
    # Singles after the random days: LSI exactly 90 % (not low), just under it, and equal sides.
    for day, left, right in ((28, 90_000, 100_000), (29, 100_000, 89_999), (30, 70_000, 70_000)):
        sets.append(
            _set(EXERCISE, "left", 1, left, _instant(first + timedelta(days=day), 600, zone))
        )
        sets.append(
            _set(EXERCISE, "right", 1, right, _instant(first + timedelta(days=day), 605, zone))
        )
    return sets, None


def _dst_edges(rng: random.Random, zone: str, formula: Formula) -> tuple[list[SetEntry], None]:
    """Sets in the hours around local midnight on the days clocks change in the zone."""
    changes = (date(2026, 3, 8), date(2026, 3, 29), date(2026, 4, 5), date(2026, 10, 4))
    sets = []
    for change in (*changes, date(2026, 10, 25), date(2026, 11, 1)):
        for offset in (-1, 0, 1):
            for minute in (-15, 0, 59, 90, 150, 179, 181, 23 * 60 + 59, 24 * 60):
                side: Side = rng.choice(("left", "right"))
                weight = rng.randint(30, 70) * 1000
                day = change + timedelta(days=offset)
                sets.append(
                    _set(EXERCISE, side, rng.randint(3, 12), weight, _instant(day, minute, zone))
                )
    return sets, None


FAMILIES = {"steady": _steady, "rehab": _rehab, "edges": _edges, "dst": _dst_edges}


def _range(rng: random.Random, sets: list[SetEntry], zone: str) -> tuple[date | None, date | None]:
    kind = rng.choice(("all", "from", "until", "between"))
    if kind == "all" or not sets:
        return None, None
    days = sorted(
        {datetime.fromtimestamp(s.performed_at / 1000, ZoneInfo(zone)).date() for s in sets}
    )
    a, b = sorted(rng.sample(days, 2)) if len(days) > 1 else (days[0], days[0])
    a -= timedelta(days=rng.randint(0, 3))  # a start on no training day, inside a week
    return (a if kind != "until" else None), (b if kind != "from" else None)


def _swap(s: SetEntry) -> SetEntry:
    return msgspec.structs.replace(s, side=_MIRROR[s.side])


def _case(
    name: str,
    zone: str,
    formula: Formula,
    sets: list[SetEntry],
    injury: tuple[Limb, date] | None,
    span: tuple[date | None, date | None],
) -> Json:
    tz = ZoneInfo(zone)
    injured, since = injury if injury else (None, None)
    start, end = span
    expect = chart_of_sets(
        sets,
        EXERCISE,
        zone=tz,
        formula=formula,
        injured=injured,
        injured_since=since,
        start=start,
        end=end,
    )
    return {
        "name": name,
        "exercise": EXERCISE,
        "zone": zone,
        "formula": formula,
        "injured": injured,
        "injured_since": since and since.isoformat(),
        "start": start and start.isoformat(),
        "end": end and end.isoformat(),
        "sets": [[getattr(s, f) for f in SET_FIELDS] for s in sets],
        "expect": msgspec.to_builtins(expect),
    }


def chart_cases(rng: random.Random) -> list[Json]:
    cases = []
    for n in range(40):
        family = list(FAMILIES)[n % len(FAMILIES)]
        zone = ZONES[n % len(ZONES)] if family != "dst" else ZONES[(n // 4) % len(ZONES)]
        formula: Formula = "epley" if n % 3 else "brzycki"
        sets, injury = FAMILIES[family](rng, zone, formula)
        if rng.random() < 0.5:
            rng.shuffle(sets)  # the input order must not matter beyond exact ties
        span = _range(rng, sets, zone)
        name = f"{family}-{n}"
        cases.append(_case(name, zone, formula, sets, injury, span))
        if n % 4 == 1:
            other: Formula = "brzycki" if formula == "epley" else "epley"
            cases.append(_case(f"{name}-{other}", zone, other, sets, injury, span))
        if n % 3 == 0:
            swapped = (_OTHER[injury[0]], injury[1]) if injury else None
            mirrored = [_swap(s) for s in sets]
            cases.append(_case(f"{name}-swapped", zone, formula, mirrored, swapped, span))
    return cases


def involvement_cases(rng: random.Random) -> list[Json]:
    """Random limb statuses, with few distinct dates so that ties are common."""
    limbs = ("left_arm", "right_arm", "left_leg", "right_leg")
    statuses: tuple[Status, ...] = get_args(Status)
    days = (date(2026, 3, 1), date(2026, 3, 9), date(2026, 4, 20))
    cases = []
    for _ in range(120):
        records = [
            {
                "limb": rng.choice(limbs),
                "status": rng.choice(statuses),
                "since": rng.choice(days).isoformat(),
                "sessions_per_week": rng.choice((None, 2, 3, 4)),
            }
            for _ in range(rng.randint(0, 6))
        ]
        parsed = [
            LimbStatus(
                limb=r["limb"],
                status=r["status"],
                since=date.fromisoformat(r["since"]),
                # A record without a plan frequency means the default (records.py: null = 3).
                sessions_per_week=r["sessions_per_week"] or DEFAULT_SESSIONS_PER_WEEK,
            )
            for r in records
        ]
        for kind in ("arm", "leg", "other"):
            found = involvement(parsed, kind)
            expect = msgspec.to_builtins(found) if found else None
            cases.append({"statuses": records, "kind": kind, "expect": expect})
    return cases


def build(seed: int = SEED) -> Json:
    rng = random.Random(seed)
    return {
        "schema": 1,
        "set_fields": list(SET_FIELDS),
        "charts": chart_cases(rng),
        "involvement": involvement_cases(rng),
    }


def render(seed: int = SEED) -> str:
    data = build(seed)
    parts = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n".join(json.dumps(item, sort_keys=True) for item in value)
            parts.append(f"{json.dumps(key)}: [\n{items}\n]")
        else:
            parts.append(f"{json.dumps(key)}: {json.dumps(value)}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


if __name__ == "__main__":
    CASES_PATH.parent.mkdir(exist_ok=True)
    CASES_PATH.write_text(render(), encoding="utf-8")
