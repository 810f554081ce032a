"""The cross-education plan: realistic histories, edge rules, the shared cases file, properties."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.cross_education import (
    DEFAULT_EXERCISES,
    PRESCRIPTION,
    SOURCES,
    Adherence,
    Plan,
    SuggestedTestSet,
    adherence,
    explanation,
    plan,
    suggested_test_sets,
    usage,
)
from backend.domain.limbs import Involvement, LimbStatus, Status, involvement
from backend.domain.strength import Limb, SetEntry, Side, local_day
from tests.domain import plan_cases
from tests.domain.plan_cases import CATALOGUE_KINDS, instant, parse_statuses

NAMED = {c["name"]: c for c in plan_cases.named_cases()}
BERLIN = ZoneInfo("Europe/Berlin")
SINCE = date(2026, 1, 5)


def _sets(case: dict[str, object]) -> list[SetEntry]:
    rows = case["sets"]
    assert isinstance(rows, list)
    return [SetEntry(**dict(zip(plan_cases.SET_FIELDS, row, strict=True))) for row in rows]


def _run(name: str, kind: str) -> tuple[Plan, Adherence, tuple[SuggestedTestSet, ...]] | None:
    case = NAMED[name]
    found = involvement(parse_statuses(case["statuses"]), kind)
    if found is None:
        return None
    sets = _sets(case)
    today, zone = date.fromisoformat(case["today"]), ZoneInfo(case["zone"])
    counts = usage(sets, {**CATALOGUE_KINDS, **case["custom_kinds"]}, kind)
    p = plan(found, counts, today)
    return p, adherence(sets, p, today, zone), suggested_test_sets(p, sets, today, zone)


CURL, ROW, CUSTOM = "single-arm-biceps-curl", "single-arm-db-row", plan_cases.CUSTOM_ARM
LEGS = ("single-leg-press", "single-leg-extension")


@pytest.mark.parametrize(
    ("name", "kind", "trained", "exercises", "week", "done", "planned", "total", "pct", "weekly"),
    [
        # Two sessions missed in weeks 3 and 4: "13 of 14 planned sessions, week 5 of 6".
        ("injured arm, five weeks", "arm", "right", (CURL, ROW, CUSTOM), 5, 13, 14, 18, 928,
         [(3, 3), (3, 3), (2, 3), (2, 3), (3, 2)]),
        # Ahead of plan on Saturday of week 5: 15 done, 14 due, adherence capped at 100 %.
        ("injured arm, every session", "arm", "right", (CURL, ROW, CUSTOM), 5, 15, 14, 18, 1000,
         [(3, 3), (3, 3), (3, 3), (3, 3), (3, 2)]),
        ("injured arm, 2 a week", "arm", "right", (CURL, ROW, CUSTOM), 5, 13, 9, 12, 1000,
         [(3, 2), (3, 2), (2, 2), (2, 2), (3, 1)]),
        ("injured arm, 5 a week", "arm", "right", (CURL, ROW, CUSTOM), 5, 13, 24, 30, 541,
         [(3, 5), (3, 5), (2, 5), (2, 5), (3, 4)]),
        # Day 50: the block ended on day 41, so later sessions no longer count.
        ("injured arm, block over", "arm", "right", (CURL, ROW, CUSTOM), 8, 15, 18, 18, 833,
         [(3, 3)] * 5 + [(0, 3)]),
        ("injured arm, marked for next week", "arm", "right", (CURL, ROW, CUSTOM), 0, 0, 0, 18,
         None, []),
        ("recovering leg, never tested", "leg", "left", LEGS, 2, 6, 7, 24, 857, [(3, 4), (3, 3)]),
        ("injured leg, only arms logged", "leg", "right", DEFAULT_EXERCISES["leg"], 2, 0, 4, 18, 0,
         [(0, 3), (0, 1)]),
        # Sunday 23:30 and Monday 00:20 local are two sessions, on either side of a DST change.
        ("New York, clocks change on 8 March", "arm", "right", (CURL,), 4, 9, 9, 18, 1000,
         [(2, 3), (3, 3), (3, 3), (1, 0)]),
        ("Berlin, clocks change on 29 March", "arm", "right", (CURL,), 4, 9, 9, 18, 1000,
         [(2, 3), (3, 3), (3, 3), (1, 0)]),
    ],
)  # fmt: skip
def test_plans_from_histories(
    name: str,
    kind: str,
    trained: Limb,
    exercises: tuple[str, ...],
    week: int,
    done: int,
    planned: int,
    total: int,
    pct: int | None,
    weekly: list[tuple[int, int]],
) -> None:
    result = _run(name, kind)
    assert result is not None
    p, a, _ = result
    assert (p.trained_side, p.exercises, p.week) == (trained, exercises, week)
    assert (a.done, a.planned, a.planned_total, a.percent_x10) == (done, planned, total, pct)
    assert [(w.done, w.planned) for w in a.weeks] == weekly


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("injured arm, five weeks", []),  # test sets only once the limb is recovering
        ("recovering leg, tested 5 days ago",
         [("single-leg-press", "2026-04-20", "2026-05-04", "scheduled"),
          ("single-leg-extension", "2026-03-13", "2026-04-13", "overdue")]),
        # Nothing in the last 14 days: due from the day the leg was marked recovering.
        ("recovering leg, never tested",
         [("single-leg-press", "2026-03-13", "2026-04-13", "overdue"),
          ("single-leg-extension", "2026-03-13", "2026-04-13", "overdue")]),
        ("recovering leg, test due today",
         [("single-leg-press", "2026-04-11", "2026-04-25", "due"),
          ("single-leg-extension", "2026-03-13", "2026-04-13", "overdue")]),
    ],
)  # fmt: skip
def test_test_set_suggestions(name: str, expected: list[tuple[str, str, str, str]]) -> None:
    kind = "leg" if "leg" in name else "arm"
    result = _run(name, kind)
    assert result is not None
    tests = result[2]
    assert [(t.exercise, str(t.last), t.due.isoformat(), t.state) for t in tests] == expected
    assert all(t.side == "right" and t.every_days == 14 for t in tests)


def test_healthy_limbs_have_no_plan() -> None:
    assert _run("arm healed", "arm") is None
    assert _run("arm healed", "leg") is None
    assert _run("injured arm, five weeks", "leg") is None


def _involved(side: Limb = "left", status: Status = "injured", spw: int = 3) -> Involvement:
    return Involvement(side=side, kind="arm", status=status, since=SINCE, sessions_per_week=spw)


def test_plan_block_and_prescription() -> None:
    p = plan(_involved(spw=2), {CURL: 4, ROW: 4, "wrist-curl": 9, CUSTOM: 1, "x": 0}, SINCE)
    assert (p.involved_side, p.trained_side, p.sessions_per_week) == ("left", "right", 2)
    # Most logged first, ties by id, at most three, never one not logged.
    assert p.exercises == ("wrist-curl", CURL, ROW)
    assert p.end == date(2026, 2, 15)
    assert (p.weeks, p.min_weeks, p.target_sessions_min, p.target_sessions_max) == (6, 4, 13, 18)
    assert (PRESCRIPTION.sets_min, PRESCRIPTION.sets_max) == (3, 5)
    assert (PRESCRIPTION.reps_min, PRESCRIPTION.reps_max) == (6, 10)
    assert (PRESCRIPTION.rpe_x10_min, PRESCRIPTION.rpe_x10_max) == (80, 90)
    assert (PRESCRIPTION.eccentric_ms_min, PRESCRIPTION.eccentric_ms_max) == (3000, 4000)
    weeks = [plan(_involved(), {}, SINCE + timedelta(d)).week for d in (-1, 0, 6, 7, 41, 42)]
    assert weeks == [0, 1, 1, 2, 6, 7]


def test_usage_counts_per_side_sets_of_the_kind_only() -> None:
    at = instant(SINCE, 600, "UTC")
    logged: list[tuple[str, Side]] = [
        (CURL, "left"), (CURL, "both"), (LEGS[0], "left"), (ROW, "right"),
    ]  # fmt: skip
    sets = [
        SetEntry(exercise=e, side=side, reps=8, weight_g=10_000, performed_at=at)
        for e, side in logged
    ]
    counts = usage(sets, {**CATALOGUE_KINDS, CUSTOM: "arm"}, "arm")
    assert (counts[CURL], counts[ROW], counts[CUSTOM], counts["wrist-curl"]) == (1, 1, 0, 0)
    assert "single-leg-press" not in counts


def _curl(side: Side, day: date, minute: int = 18 * 60, exercise: str = CURL) -> SetEntry:
    return SetEntry(
        exercise=exercise,
        side=side,
        reps=8,
        weight_g=20_000,
        performed_at=instant(day, minute, "Europe/Berlin"),
    )


def test_adherence_counts_trained_side_days_of_the_kind_up_to_today() -> None:
    p = plan(_involved(), usage([], CATALOGUE_KINDS, "arm"), SINCE + timedelta(days=6))
    sets = [
        _curl("right", SINCE - timedelta(days=1)),  # before the block
        _curl("right", SINCE),
        _curl("right", SINCE, minute=19 * 60),  # same day: one session
        _curl("right", SINCE + timedelta(days=1), exercise="wrist-curl"),  # any arm exercise
        _curl("left", SINCE + timedelta(days=2)),  # the injured side
        _curl("both", SINCE + timedelta(days=3)),
        _curl("right", SINCE + timedelta(days=4), exercise="single-leg-press"),  # a leg
        _curl("right", SINCE + timedelta(days=7)),  # after today
    ]
    a = adherence(sets, p, SINCE + timedelta(days=6), BERLIN)
    assert (a.done, a.planned, a.planned_total, a.percent_x10) == (2, 3, 18, 666)
    # The same evening set is Monday in Berlin but still Sunday in New York.
    late = [_curl("right", SINCE, minute=30)]
    assert adherence(late, p, SINCE, BERLIN).done == 1
    assert adherence(late, p, SINCE, ZoneInfo("America/New_York")).done == 0


def test_nothing_due_on_the_first_day() -> None:
    a = adherence([_curl("right", SINCE)], plan(_involved(), {}, SINCE), SINCE, BERLIN)
    assert (a.done, a.planned, a.percent_x10) == (1, 0, None)


def test_explanation_cites_ranges_as_averages_never_a_promise() -> None:
    arm = explanation(plan(_involved(), {}, SINCE))
    text = " ".join(arm.paragraphs)
    for figure in ("8 % (Munn 2004)", "12 % (Manca 2017)", "9 % for arms", "16 % for legs",
                   "18 % with eccentric", "13–18 sessions over 4–6 weeks", "13–15 %",
                   "Farthing 2009", "Andrushko 2018", "Manca 2021"):  # fmt: skip
        assert figure in text
    assert "averages" in text
    assert "not a promise" in text
    assert "will gain" not in text
    assert "movement" in text  # transfer is movement-specific
    assert "fewer than" not in text
    assert [s.cite for s in arm.sources] == [
        "Munn 2004", "Manca 2017", "Manca 2021", "Farthing 2009", "Andrushko 2018",
    ]  # fmt: skip
    assert arm.sources == SOURCES
    two = " ".join(explanation(plan(_involved(spw=2), {}, SINCE)).paragraphs)
    assert (
        "2 a week for 6 weeks, 12 sessions. That is fewer than 13; 3 a week would reach it." in two
    )
    leg = Involvement(
        side="right", kind="leg", status="recovering", since=SINCE, sessions_per_week=3
    )
    recovering = explanation(plan(leg, {}, SINCE)).paragraphs
    assert "16 % for legs (9 % for arms)" in recovering[0]
    assert not any("immobilised" in p for p in recovering)  # that finding is about a cast
    assert "Every 14 days, a test set on your right leg" in recovering[-1]


def test_shared_cases_file_is_current() -> None:
    committed = plan_cases.CASES_PATH.read_text(encoding="utf-8")
    assert plan_cases.render() == committed, (
        "tests/fixtures/plans.json is stale: run python -m tests.domain.plan_cases"
    )


# --- properties ---------------------------------------------------------------------------------

EXERCISES = (CURL, ROW, "wrist-curl", "single-leg-press", "unknown")
ZONES = tuple(ZoneInfo(z) for z in ("UTC", "Europe/Berlin", "America/New_York", "Asia/Kathmandu"))
SWAP: dict[str, str] = {"left": "right", "right": "left", "both": "both"}
T0 = instant(SINCE, 0, "UTC")

set_entries = st.builds(
    SetEntry,
    exercise=st.sampled_from(EXERCISES),
    side=st.sampled_from(["left", "right", "both"]),
    reps=st.integers(1, 12),
    weight_g=st.integers(0, 100_000),
    performed_at=st.integers(T0 - 10 * 86_400_000, T0 + 60 * 86_400_000),
)
involvements = st.builds(
    Involvement,
    side=st.sampled_from(["left", "right"]),
    kind=st.sampled_from(["arm", "leg"]),
    status=st.sampled_from(["injured", "recovering"]),
    since=st.dates(SINCE - timedelta(days=5), SINCE + timedelta(days=20)),
    sessions_per_week=st.integers(1, 7),
)
todays = st.dates(SINCE - timedelta(days=10), SINCE + timedelta(days=70))


def _plan_for(inv: Involvement, sets: list[SetEntry], today: date) -> Plan:
    return plan(inv, usage(sets, CATALOGUE_KINDS, inv.kind), today)


@given(st.lists(set_entries, max_size=60), involvements, todays, st.sampled_from(ZONES))
def test_adherence_never_credits_more_than_done(
    sets: list[SetEntry], inv: Involvement, today: date, zone: ZoneInfo
) -> None:
    p = _plan_for(inv, sets, today)
    a = adherence(sets, p, today, zone)
    assert a.done <= len({local_day(s.performed_at, zone) for s in sets})
    if a.percent_x10 is None:
        assert a.planned == 0
    else:
        assert 0 <= a.percent_x10 <= 1000
        assert a.percent_x10 * a.planned <= a.done * 1000
    assert sum(w.done for w in a.weeks) == a.done
    assert sum(w.planned for w in a.weeks) == a.planned <= a.planned_total


@given(st.lists(set_entries, max_size=60), involvements, todays, st.sampled_from(ZONES))
def test_swapping_the_injured_side_swaps_the_trained_side(
    sets: list[SetEntry], inv: Involvement, today: date, zone: ZoneInfo
) -> None:
    mirror_inv = msgspec.structs.replace(inv, side=SWAP[inv.side])
    mirror_sets = [msgspec.structs.replace(s, side=SWAP[s.side]) for s in sets]
    p, m = _plan_for(inv, sets, today), _plan_for(mirror_inv, mirror_sets, today)
    assert (m.trained_side, m.involved_side) == (p.involved_side, p.trained_side)
    assert (
        msgspec.structs.replace(m, trained_side=p.trained_side, involved_side=p.involved_side) == p
    )
    assert adherence(mirror_sets, m, today, zone) == adherence(sets, p, today, zone)
    assert [t.due for t in suggested_test_sets(m, mirror_sets, today, zone)] == [
        t.due for t in suggested_test_sets(p, sets, today, zone)
    ]


@given(st.lists(st.builds(LimbStatus, limb=st.sampled_from(["left_arm", "right_arm"]),
                          status=st.sampled_from(["injured", "recovering", "healthy"]),
                          since=st.dates(SINCE, SINCE + timedelta(days=3)),
                          sessions_per_week=st.integers(1, 7)), max_size=4))  # fmt: skip
def test_the_trained_side_is_never_the_involved_one(statuses: list[LimbStatus]) -> None:
    found = involvement(statuses, "arm")
    if found is None:
        return
    p = plan(found, {}, SINCE)
    assert p.trained_side != p.involved_side == found.side
    assert p.exercises == DEFAULT_EXERCISES["arm"]
    assert not p.from_history
    assert (p.start, p.sessions_per_week) == (found.since, found.sessions_per_week)
