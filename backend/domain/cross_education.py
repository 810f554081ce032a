"""Cross-education: while one limb is injured, train the opposite one (docs/architecture.md,
"Domain").

Training one limb makes the untrained opposite limb stronger through neural adaptation, most in
the movement and contraction mode trained, so the plan trains the free limb in the exercises the
injured one will need back, at high effort with slow eccentrics. Everything here is a pure
function of its arguments: today's date and the user's zone come in, nothing reads the clock.
``pwa/js/insight/plan.js`` is the JavaScript twin; ``tests/fixtures/plans.json`` holds both to
the same results.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta, tzinfo
from typing import Literal

import msgspec

from backend.domain.limbs import Involvement, Status
from backend.domain.strength import Limb, SetEntry, local_day

BLOCK_WEEKS = 6
MIN_WEEKS = 4  # the shortest block the consensus calls effective
TARGET_SESSIONS_MIN = 13
TARGET_SESSIONS_MAX = 18
MAX_EXERCISES = 3
TEST_EVERY_DAYS = 14

# Used when the user has logged nothing of the kind yet: one per main movement of the limb.
DEFAULT_EXERCISES: dict[str, tuple[str, ...]] = {
    "arm": ("single-arm-biceps-curl", "single-arm-triceps-extension", "single-arm-db-press"),
    "leg": ("single-leg-press", "single-leg-extension", "single-leg-curl"),
}


class Prescription(msgspec.Struct, frozen=True, kw_only=True):
    """Per exercise and session, on the trained limb; RPE × 10 and milliseconds as stored."""

    sets_min: int
    sets_max: int
    reps_min: int
    reps_max: int
    rpe_x10_min: int
    rpe_x10_max: int
    effort: str
    eccentric_ms_min: int
    eccentric_ms_max: int


PRESCRIPTION = Prescription(
    sets_min=3,
    sets_max=5,
    reps_min=6,
    reps_max=10,
    rpe_x10_min=80,
    rpe_x10_max=90,
    effort="high effort",
    eccentric_ms_min=3000,
    eccentric_ms_max=4000,
)


class Plan(msgspec.Struct, frozen=True, kw_only=True):
    involved_side: Limb
    trained_side: Limb
    kind: str  # arm | leg
    status: Status  # injured | recovering
    exercises: tuple[str, ...]  # to train on the free limb, most-logged first
    from_history: bool  # False: the catalogue defaults, as nothing of the kind is logged yet
    # Every exercise of the kind: a trained-side set of any of them makes a session.
    kind_exercises: tuple[str, ...]
    prescription: Prescription
    sessions_per_week: int
    start: date  # the limb status's ``since``
    end: date  # the block's last day
    weeks: int
    min_weeks: int
    target_sessions_min: int
    target_sessions_max: int
    week: int  # week of the block today, from 1 (0 before it starts; past ``weeks`` after it)


class WeekAdherence(msgspec.Struct, frozen=True, kw_only=True):
    week: int
    start: date
    done: int
    planned: int


class Adherence(msgspec.Struct, frozen=True, kw_only=True):
    done: int  # sessions in the block up to today
    planned: int  # sessions due so far: sessions_per_week × elapsed days ÷ 7, rounded down
    planned_total: int  # the whole block
    # done ÷ planned in tenths of a percent, rounded down and capped at 100 %: extra sessions
    # are counted in ``done`` but never credit adherence beyond them; None while nothing is due.
    percent_x10: int | None
    weeks: tuple[WeekAdherence, ...]  # from week 1 up to today's


class SuggestedTestSet(msgspec.Struct, frozen=True, kw_only=True):
    """A submaximal set on the recovering limb that estimates its 1RM, every 14 days."""

    exercise: str
    side: Limb
    every_days: int
    last: date | None  # the latest day the limb did this exercise, up to today
    due: date
    state: Literal["scheduled", "due", "overdue"]


class Source(msgspec.Struct, frozen=True, kw_only=True):
    cite: str
    reference: str
    finding: str


class Explanation(msgspec.Struct, frozen=True, kw_only=True):
    paragraphs: tuple[str, ...]
    sources: tuple[Source, ...]


def _other(side: Limb) -> Limb:
    return "right" if side == "left" else "left"


def usage(sets: Iterable[SetEntry], kinds: Mapping[str, str], kind: str) -> dict[str, int]:
    """Per-side sets logged of every exercise of ``kind`` (zero for those never logged).

    ``kinds`` maps catalogue and custom exercise ids to arm, leg or other. Bilateral sets do
    not count: an exercise done with both limbs at once cannot be done with the free one alone.
    """
    counts = {exercise: 0 for exercise, k in kinds.items() if k == kind}
    for s in sets:
        if s.side != "both" and s.exercise in counts:
            counts[s.exercise] += 1
    return counts


def plan(involvement: Involvement, exercises_of_kind: Mapping[str, int], today: date) -> Plan:
    """The block for the limb opposite the involved one.

    ``exercises_of_kind`` is ``usage()``: the exercises the user already logs come first, most
    logged first, because transfer is specific to the movement trained; with none, the
    catalogue's defaults for the kind.
    """
    logged = sorted((-n, exercise) for exercise, n in exercises_of_kind.items() if n > 0)
    chosen = tuple(exercise for _, exercise in logged[:MAX_EXERCISES])
    defaults = DEFAULT_EXERCISES[involvement.kind]
    start = involvement.since
    return Plan(
        involved_side=involvement.side,
        trained_side=_other(involvement.side),
        kind=involvement.kind,
        status=involvement.status,
        exercises=chosen or defaults,
        from_history=bool(chosen),
        kind_exercises=tuple(sorted({*exercises_of_kind, *defaults})),
        prescription=PRESCRIPTION,
        sessions_per_week=involvement.sessions_per_week,
        start=start,
        end=start + timedelta(days=BLOCK_WEEKS * 7 - 1),
        weeks=BLOCK_WEEKS,
        min_weeks=MIN_WEEKS,
        target_sessions_min=TARGET_SESSIONS_MIN,
        target_sessions_max=TARGET_SESSIONS_MAX,
        week=0 if today < start else (today - start).days // 7 + 1,
    )


def adherence(sets: Iterable[SetEntry], plan: Plan, today: date, zone: tzinfo) -> Adherence:
    """Sessions done against sessions planned so far; a session is a local day with a set."""
    block_days = plan.weeks * 7
    elapsed = min(max((today - plan.start).days + 1, 0), block_days)
    last = plan.start + timedelta(days=elapsed - 1)
    counted = frozenset(plan.kind_exercises)
    days = {
        day
        for s in sets
        if s.side == plan.trained_side and s.exercise in counted
        for day in (local_day(s.performed_at, zone),)
        if plan.start <= day <= last
    }
    spw = plan.sessions_per_week

    def due(days_elapsed: int) -> int:
        return spw * days_elapsed // 7

    weeks = []
    for week in range((elapsed + 6) // 7):
        first = plan.start + timedelta(days=week * 7)
        weeks.append(
            WeekAdherence(
                week=week + 1,
                start=first,
                done=sum(first <= d < first + timedelta(days=7) for d in days),
                planned=due(min(elapsed, week * 7 + 7)) - due(week * 7),
            )
        )
    planned = due(elapsed)
    done = len(days)
    return Adherence(
        done=done,
        planned=planned,
        planned_total=due(block_days),
        percent_x10=None if planned == 0 else min(1000, done * 1000 // planned),
        weeks=tuple(weeks),
    )


def suggested_test_sets(
    plan: Plan, sets: Iterable[SetEntry], today: date, zone: tzinfo
) -> tuple[SuggestedTestSet, ...]:
    """Once the limb is recovering: a test set per planned exercise, due 14 days after the last
    set of it on that limb (due at once when there is none in the last 14 days)."""
    if plan.status != "recovering":
        return ()
    latest: dict[str, date] = {}
    for s in sets:
        if s.side != plan.involved_side or s.exercise not in plan.exercises:
            continue
        day = local_day(s.performed_at, zone)
        if day <= today and day > latest.get(s.exercise, date.min):
            latest[s.exercise] = day
    out = []
    for exercise in plan.exercises:
        last = latest.get(exercise)
        # Never due before the limb was marked recovering: a set from before the injury says
        # nothing about when to test it now.
        due = plan.start if last is None else max(plan.start, last + timedelta(TEST_EVERY_DAYS))
        state: Literal["scheduled", "due", "overdue"] = (
            "scheduled" if due > today else "due" if due == today else "overdue"
        )
        out.append(
            SuggestedTestSet(
                exercise=exercise,
                side=plan.involved_side,
                every_days=TEST_EVERY_DAYS,
                last=last,
                due=due,
                state=state,
            )
        )
    return tuple(out)


SOURCES = (
    Source(
        cite="Munn 2004",
        reference="Munn J, Herbert RD, Gandevia SC. Contralateral effects of unilateral "
        "resistance training: a meta-analysis. J Appl Physiol 2004;96:1861–1866.",
        finding="The untrained limb gained about 8 % of its initial strength.",
    ),
    Source(
        cite="Manca 2017",
        reference="Manca A, Dragone D, Dvir Z, Deriu F. Cross-education of muscular strength "
        "following unilateral resistance training: a meta-analysis. Eur J Appl Physiol "
        "2017;117:2335–2354.",
        finding="About 12 % on average: 16 % for legs, 9 % for arms, 18 % after eccentric "
        "training.",
    ),
    Source(
        cite="Manca 2021",
        reference="Manca A, Hortobágyi T, Carroll TJ, et al. Contralateral effects of "
        "unilateral strength and skill training: modified Delphi consensus to establish key "
        "aspects of cross-education. Sports Med 2021;51:11–20.",
        finding="High intensity, eccentric emphasis, at least 13–18 sessions over 4–6 weeks.",
    ),
    Source(
        cite="Farthing 2009",
        reference="Farthing JP, Krentz JR, Magnus CRA. Strength training the free limb "
        "attenuates strength loss during unilateral immobilization. J Appl Physiol "
        "2009;106:830–836.",
        finding="Training the free arm kept most of the strength a cast arm lost in 3 weeks.",
    ),
    Source(
        cite="Andrushko 2018",
        reference="Andrushko JW, Lanovaz JL, Björkman KM, Kontulainen SA, Farthing JP. "
        "Unilateral strength training leads to muscle-specific sparing effects during "
        "opposite homologous limb immobilization. J Appl Physiol 2018;124:866–876.",
        finding="The sparing was confined to the muscle group trained.",
    ),
)

_KIND_GAIN = {"arm": ("arms", 9, "legs", 16), "leg": ("legs", 16, "arms", 9)}


def explanation(plan: Plan) -> Explanation:
    """What the plan may do, with the cited ranges: study averages, never a promise."""
    involved = f"{plan.involved_side} {plan.kind}"
    trained = f"{plan.trained_side} {plan.kind}"
    these, gain, others, other_gain = _KIND_GAIN[plan.kind]
    total = plan.sessions_per_week * plan.weeks
    paragraphs = [
        "In studies, training one limb made the untrained opposite limb stronger by about 8 % "
        "(Munn 2004) to 12 % (Manca 2017) on average; the 2017 analysis found about "
        f"{gain} % for {these} ({other_gain} % for {others}) and 18 % with eccentric training. "
        f"These are averages across study participants, not a promise: your {involved} may "
        "gain more, less or nothing.",
    ]
    if plan.status == "injured":
        paragraphs.append(
            "Training the free limb while the other was immobilised for 3–4 weeks kept most of "
            "the 13–15 % of strength the immobilised limb otherwise lost (Farthing 2009; "
            "Andrushko 2018)."
        )
    dose = (
        "The experts' consensus (Manca 2021): high effort, slow lowering, at least "
        f"{TARGET_SESSIONS_MIN}–{TARGET_SESSIONS_MAX} sessions over {MIN_WEEKS}–{BLOCK_WEEKS} "
        f"weeks. This plan: {plan.sessions_per_week} a week for {plan.weeks} weeks, "
        f"{total} sessions."
    )
    if total < TARGET_SESSIONS_MIN:
        enough = -(-TARGET_SESSIONS_MIN // plan.weeks)
        dose += f" That is fewer than {TARGET_SESSIONS_MIN}; {enough} a week would reach it."
    paragraphs.append(dose)
    paragraphs.append(
        "The gain is specific to the movement and the way it is trained, so train with your "
        f"{trained} the movements your {involved} will need back. Ask your clinician what the "
        f"{involved} itself may do."
    )
    if plan.status == "recovering":
        paragraphs.append(
            f"Every {TEST_EVERY_DAYS} days, a test set on your {involved}: one set of 5–10 "
            "reps stopping 2–3 reps short of failure, within what your clinician allows. Its "
            "estimated 1RM shows how it compares with your "
            f"{trained} and with its own best before the injury."
        )
    return Explanation(paragraphs=tuple(paragraphs), sources=SOURCES)
