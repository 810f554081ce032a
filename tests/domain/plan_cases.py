"""Cross-education cases shared with the web app: plan, adherence, test sets and explanation.

``python -m tests.domain.plan_cases`` rewrites ``tests/fixtures/plans.json``: named histories a
person would recognise, then seeded random ones. Python computes every expected result; the
JavaScript twin (``pwa/js/insight/plan.js``) replays them under ``node --test`` and must match
exactly. One case per line, so a change in the rules shows up as a readable diff.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, get_args
from zoneinfo import ZoneInfo

import msgspec

from backend.domain.catalogue import CATALOGUE
from backend.domain.cross_education import (
    SOURCES,
    adherence,
    explanation,
    plan,
    suggested_test_sets,
    usage,
)
from backend.domain.limbs import DEFAULT_SESSIONS_PER_WEEK, LimbStatus, Status, involvement
from backend.domain.strength import SetEntry, Side

CASES_PATH = Path(__file__).resolve().parents[1] / "fixtures" / "plans.json"
SEED = 20261122
SET_FIELDS = ("exercise", "side", "reps", "weight_g", "performed_at")
CATALOGUE_KINDS = {e.id: e.limb for e in CATALOGUE}
KINDS = ("arm", "leg")
CURL, ROW, PRESS = "single-arm-biceps-curl", "single-arm-db-row", "single-arm-db-press"
LEG_PRESS, LEG_EXTENSION = "single-leg-press", "single-leg-extension"
CUSTOM_ARM = "019a0c3e-5f00-7000-8000-00000000a4e1"  # a custom exercise's record id
MON, WED, FRI = 0, 2, 4
ZONES = ("UTC", "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu")

Json = dict[str, Any]


def instant(day: date, minute_of_day: int, zone: str) -> int:
    """Epoch ms of a local wall time (minutes past local midnight)."""
    local = datetime(day.year, day.month, day.day, tzinfo=ZoneInfo(zone))
    return int((local + timedelta(minutes=minute_of_day)).timestamp() * 1000)


def session(
    exercise: str, side: Side, day: date, zone: str, kg: float = 20, n: int = 3, minute: int = 1080
) -> list[SetEntry]:
    """``n`` sets of 8 at ``kg``, a minute apart, from ``minute`` past local midnight."""
    return [
        SetEntry(
            exercise=exercise,
            side=side,
            reps=8,
            weight_g=int(kg * 1000),
            performed_at=instant(day, minute + i, zone),
        )
        for i in range(n)
    ]


def days(first: date, weeks: int, weekdays: Iterable[int] = (MON, WED, FRI)) -> list[date]:
    return [first + timedelta(days=7 * w + d) for w in range(weeks) for d in weekdays]


def status(
    limb: str, state: Status, since: date, sessions_per_week: int | None = None
) -> dict[str, Any]:
    """A ``limb_status`` record as it syncs (``sessions_per_week`` null means 3)."""
    return {
        "limb": limb,
        "status": state,
        "since": since.isoformat(),
        "sessions_per_week": sessions_per_week,
    }


def parse_statuses(records: list[dict[str, Any]]) -> list[LimbStatus]:
    return [
        LimbStatus(
            limb=r["limb"],
            status=r["status"],
            since=date.fromisoformat(r["since"]),
            sessions_per_week=r["sessions_per_week"] or DEFAULT_SESSIONS_PER_WEEK,
        )
        for r in records
    ]


def expected(
    records: list[dict[str, Any]],
    sets: list[SetEntry],
    today: date,
    zone: str,
    custom: dict[str, str],
    kind: str,
) -> Json | None:
    """Everything the Injury screen shows for ``kind``; None when both limbs are healthy."""
    found = involvement(parse_statuses(records), kind)
    if found is None:
        return None
    counts = usage(sets, {**CATALOGUE_KINDS, **custom}, kind)
    p = plan(found, counts, today)
    tz = ZoneInfo(zone)
    return {
        "involvement": msgspec.to_builtins(found),
        "usage": counts,
        "plan": msgspec.to_builtins(p),
        "adherence": msgspec.to_builtins(adherence(sets, p, today, tz)),
        "test_sets": msgspec.to_builtins(suggested_test_sets(p, sets, today, tz)),
        "paragraphs": list(explanation(p).paragraphs),
    }


def case(
    name: str,
    records: list[dict[str, Any]],
    sets: list[SetEntry],
    today: date,
    zone: str,
    custom: dict[str, str] | None = None,
) -> Json:
    custom = custom or {}
    return {
        "name": name,
        "today": today.isoformat(),
        "zone": zone,
        "statuses": records,
        "custom_kinds": custom,
        "sets": [[getattr(s, f) for f in SET_FIELDS] for s in sets],
        "expect": {k: expected(records, sets, today, zone, custom, k) for k in KINDS},
    }


# --- named histories ------------------------------------------------------------------------

HURT = date(2026, 1, 5)  # a Monday
WEEK = timedelta(days=7)
BERLIN = "Europe/Berlin"


def injured_arm_history(missed: tuple[date, ...] = ()) -> list[SetEntry]:
    """Two weeks of both arms, then the left wrist in a cast: five weeks of right-arm curls on
    Monday, Wednesday and Friday (minus ``missed``), a leg day, and one two-handed curl."""
    sets: list[SetEntry] = []
    for day in days(HURT - timedelta(days=14), 2):
        for side in ("left", "right"):
            sets += session(CURL, side, day, BERLIN) + session(ROW, side, day, BERLIN, 24)
    sets += session(CUSTOM_ARM, "right", HURT - timedelta(days=3), BERLIN, 8, n=1)
    for day in days(HURT, 5):
        if day not in missed:
            sets += session(CURL, "right", day, BERLIN)
    sets += session(LEG_PRESS, "right", HURT + timedelta(days=1), BERLIN, 80)  # no arm session
    sets += session(CURL, "both", HURT + timedelta(days=5), BERLIN, 30, n=1)  # no side to credit
    return sets


def recovering_leg_history(test_days: tuple[date, ...]) -> list[SetEntry]:
    """Right knee: both legs before, the left alone for weeks, then tests on the right."""
    first = date(2026, 3, 2)
    sets: list[SetEntry] = []
    for day in days(first, 2):
        for side in ("left", "right"):
            sets += session(LEG_PRESS, side, day, BERLIN, 90)
            sets += session(LEG_EXTENSION, side, day, BERLIN, 40)
    for day in days(first + timedelta(days=14), 6):
        sets += session(LEG_PRESS, "left", day, BERLIN, 95)
    for day in test_days:
        sets += session(LEG_PRESS, "right", day, BERLIN, 60, n=1)
    return sets


def dst_history(zone: str, first: date) -> list[SetEntry]:
    """Right arm late on Sunday and again just after midnight: two local days, whatever UTC
    says, across the week the clocks change."""
    sets: list[SetEntry] = []
    for week in range(3):
        sunday = first + timedelta(days=7 * week + 6)
        sets += session(CURL, "right", sunday, zone, minute=23 * 60 + 30, n=2)
        sets += session(CURL, "right", sunday + timedelta(days=1), zone, minute=20, n=2)
        sets += session(CURL, "right", sunday - timedelta(days=3), zone, minute=2, n=1)
    return sets


def named_cases() -> list[Json]:
    arm = {CUSTOM_ARM: "arm"}
    left_arm = [status("left_arm", "injured", HURT)]
    missed = injured_arm_history((HURT + timedelta(days=18), HURT + timedelta(days=23)))
    every = injured_arm_history()
    arms_only = [s for s in every if s.exercise != LEG_PRESS]
    saturday = HURT + timedelta(days=33)  # week 5
    knee = [
        status("right_leg", "injured", date(2026, 3, 16), 4),
        status("right_leg", "recovering", date(2026, 4, 13), 4),
    ]
    april = date(2026, 4, 25)
    new_york, march = "America/New_York", date(2026, 3, 2)
    return [
        case("injured arm, five weeks", left_arm, missed, saturday, BERLIN, arm),
        case("injured arm, every session", left_arm, every, saturday, BERLIN, arm),
        case("injured arm, 2 a week", [status("left_arm", "injured", HURT, 2)], missed, saturday,
             BERLIN, arm),
        case("injured arm, 5 a week", [status("left_arm", "injured", HURT, 5)], missed, saturday,
             BERLIN, arm),
        case("injured arm, block over", left_arm, every, HURT + timedelta(days=50), BERLIN, arm),
        case("injured arm, marked for next week", [status("left_arm", "injured", HURT + WEEK)],
             every, HURT + timedelta(days=4), BERLIN, arm),
        case("arm healed", [*left_arm, status("left_arm", "healthy", date(2026, 2, 16))], every,
             date(2026, 2, 20), BERLIN, arm),
        case("recovering leg, tested 5 days ago", knee,
             recovering_leg_history((date(2026, 4, 13), date(2026, 4, 20))), april, BERLIN),
        case("recovering leg, never tested", knee, recovering_leg_history(()), april, BERLIN),
        case("recovering leg, test due today", knee, recovering_leg_history((date(2026, 4, 11),)),
             april, BERLIN),
        case("injured leg, only arms logged", [status("left_leg", "injured", HURT)], arms_only,
             HURT + timedelta(days=10), BERLIN),
        case("New York, clocks change on 8 March", [status("left_arm", "injured", march)],
             dst_history(new_york, march), march + 3 * WEEK, new_york),
        case("Berlin, clocks change on 29 March", [status("left_arm", "injured", march + 2 * WEEK)],
             dst_history(BERLIN, march + 2 * WEEK), march + 5 * WEEK, BERLIN),
    ]  # fmt: skip


# --- seeded random histories ------------------------------------------------------------------


def random_case(rng: random.Random, n: int) -> Json:
    zone = ZONES[n % len(ZONES)]
    anchor = date(2026, 1, 5) + timedelta(days=rng.randint(0, 300))
    limbs = ("left_arm", "right_arm", "left_leg", "right_leg")
    records = [
        status(
            rng.choice(limbs),
            rng.choice(get_args(Status)),
            anchor + timedelta(days=rng.randint(-20, 20)),
            rng.choice((None, 1, 2, 3, 5, 7)),
        )
        for _ in range(rng.randint(0, 3))
    ]
    custom = {f"019a0c3e-5f00-7000-8000-{n:012x}": rng.choice(("arm", "leg", "other"))}
    exercises = [CURL, ROW, PRESS, LEG_PRESS, LEG_EXTENSION, "suitcase-carry", *custom]
    sets = []
    for _ in range(rng.randint(0, 40)):
        day = anchor + timedelta(days=rng.randint(-30, 50))
        minute = rng.choice((30, 6 * 60, 18 * 60, 23 * 60 + 40, rng.randint(0, 24 * 60 - 1)))
        sets.append(
            SetEntry(
                exercise=rng.choice(exercises),
                side=rng.choice(("left", "right", "right", "both")),
                reps=rng.randint(1, 12),
                weight_g=rng.randint(0, 100) * 1000,
                performed_at=instant(day, minute, zone),
            )
        )
    today = anchor + timedelta(days=rng.randint(-5, 50))
    return case(f"random-{n}", records, sets, today, zone, custom)


def build(seed: int = SEED) -> Json:
    rng = random.Random(seed)
    return {
        "schema": 1,
        "set_fields": list(SET_FIELDS),
        "catalogue_kinds": CATALOGUE_KINDS,
        "sources": msgspec.to_builtins(SOURCES),
        "cases": [*named_cases(), *(random_case(rng, n) for n in range(60))],
    }


def render(seed: int = SEED) -> str:
    data = build(seed)
    parts = []
    for key in sorted(data):
        value = data[key]
        if isinstance(value, list) and value and isinstance(value[0], dict):
            items = ",\n".join(
                json.dumps(item, sort_keys=True, ensure_ascii=False) for item in value
            )
            parts.append(f"{json.dumps(key)}: [\n{items}\n]")
        else:
            parts.append(
                f"{json.dumps(key)}: {json.dumps(value, sort_keys=True, ensure_ascii=False)}"
            )
    return "{\n" + ",\n".join(parts) + "\n}\n"


if __name__ == "__main__":
    CASES_PATH.parent.mkdir(exist_ok=True)
    CASES_PATH.write_text(render(), encoding="utf-8")
