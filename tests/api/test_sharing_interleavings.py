"""Clinician sharing under random interleavings, on both engines.

Share codes are created, used, mistyped and left to expire; grants are made, rescoped and
revoked; patient and clinician accounts are erased, in any order, across three patients and two
clinicians. After every step each clinician reads every patient and must see exactly what the
current grants allow (sets only under ``summary_sets``), and each patient's access log must be
exactly the model's: every read once, under the right patient, newest first.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backend.domain.errors import SidewiseError
from backend.services.container import Services
from tests.support.api import PASSWORD
from tests.support.fakes import FakeClock

PATIENTS, CLINICIANS = 3, 2
DAY_MS = 86_400_000
SCOPES = st.sampled_from(["summary", "summary_sets"])
step = st.one_of(
    # A clinician makes a code and a patient uses it at once (or a code lies unused).
    st.tuples(
        st.just("share"), st.integers(0, PATIENTS - 1), st.integers(0, CLINICIANS - 1), SCOPES
    ),
    st.tuples(st.just("code"), st.integers(0, CLINICIANS - 1)),
    # Which code: 0 the newest, 1 the one before, …
    st.tuples(st.just("use"), st.integers(0, PATIENTS - 1), st.integers(0, 3), SCOPES),
    st.tuples(st.just("typo"), st.integers(0, PATIENTS - 1), st.integers(0, 9)),
    st.tuples(st.just("wait"), st.integers(1, 8)),
    # Which of the patient's grants, or of the clinicians (0, 1) when it has none.
    st.tuples(st.just("scope"), st.integers(0, PATIENTS - 1), st.integers(0, 1), SCOPES),
    st.tuples(st.just("revoke"), st.integers(0, PATIENTS - 1), st.integers(0, 1)),
    st.tuples(st.just("erase_patient"), st.integers(0, PATIENTS - 1)),
    st.tuples(st.just("erase_clinician"), st.integers(0, CLINICIANS - 1)),
)
_examples = itertools.count()


@pytest.fixture
def wall() -> FakeClock:
    return FakeClock(1_790_000_000_000)


@dataclass
class Code:
    text: str
    clinician: int
    expires_at: int
    used: bool = False


@dataclass
class Model:
    patients: list[int]  # account ids
    clinicians: list[int]
    labels: list[str]
    grants: dict[tuple[int, int], str] = field(default_factory=dict)  # (patient, clinician)
    logs: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # newest last
    codes: list[Code] = field(default_factory=list)
    erased: set[int] = field(default_factory=set)

    def log(self, patient: int, clinician: int, kind: str) -> None:
        self.logs[patient].append((self.labels[clinician], kind))


async def refused(action: Any) -> str | None:
    try:
        await action
    except SidewiseError as error:
        return error.code
    return None


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=st.lists(step, min_size=1, max_size=20))
async def test_each_clinician_reads_exactly_what_grants_allow_and_each_read_is_logged(
    services: Services, wall: FakeClock, plan: list[Any]
) -> None:
    n = next(_examples)
    ids = []
    for who in range(PATIENTS + CLINICIANS):
        made = await services.accounts.sign_up(f"x{n}-{who}@example.com", PASSWORD)
        ids.append(made.account.account_id)
    model = Model(
        patients=ids[:PATIENTS],
        clinicians=ids[PATIENTS:],
        labels=[f"C{c} <x{n}-{PATIENTS + c}@example.com>" for c in range(CLINICIANS)],
    )
    model.logs = {p: [] for p in range(PATIENTS)}

    for action, *args in plan:
        if action == "share":
            # The code, then its use: one step, so that grants are common.
            plan_use = [("code", args[1]), ("use", args[0], 0, args[2])]
        else:
            plan_use = [(action, *args)]
        for action, *args in plan_use:
            await apply(services, wall, model, action, args)
            await check(services, model)


async def apply(
    services: Services, wall: FakeClock, model: Model, action: str, args: list[Any]
) -> None:
    sharing = services.sharing
    if action == "code" and model.clinicians[args[0]] not in model.erased:
        view = await sharing.create_code(model.clinicians[args[0]], f"C{args[0]}")
        model.codes.append(Code(view.code, args[0], view.expires_at_ms))
    elif action == "use" and model.codes and model.patients[args[0]] not in model.erased:
        p, code, scope = args[0], model.codes[-1 - args[1] % len(model.codes)], args[2]
        got = await refused(sharing.grant(model.patients[p], code.text, scope, "addr"))
        if model.clinicians[code.clinician] in model.erased:
            want = "code_unknown"
        elif code.used:
            want = "code_used"
        elif wall.now >= code.expires_at:
            want = "code_expired"
        else:
            want = None
            code.used = True
            held = (p, code.clinician) in model.grants
            model.grants[(p, code.clinician)] = scope
            model.log(p, code.clinician, "scope_changed" if held else "granted")
        assert got == want, (action, args)
    elif action == "typo" and model.patients[args[0]] not in model.erased:
        typed = "ABCD-EFGH-JKL" + "0Oo1Il-"[args[1] % 7]
        got = await refused(sharing.grant(model.patients[args[0]], typed, "summary", "addr"))
        assert got in ("code_malformed", "code_unknown")
    elif action == "wait":
        wall.now += args[0] * DAY_MS
    elif action in ("scope", "revoke") and model.patients[args[0]] not in model.erased:
        p = args[0]
        held = sorted(c for pp, c in model.grants if pp == p) or list(range(CLINICIANS))
        c = held[args[1] % len(held)]
        mine = {g.clinician: g.id for g in await sharing.grants(model.patients[p])}
        grant_id = mine.get(model.labels[c])
        assert (grant_id is not None) == ((p, c) in model.grants)
        if grant_id is None:
            return
        if action == "scope":
            await sharing.change_scope(model.patients[p], grant_id, args[2])
            model.grants[(p, c)] = args[2]
            model.log(p, c, "scope_changed")
        else:
            await sharing.revoke(model.patients[p], grant_id)
            del model.grants[(p, c)]
            model.log(p, c, "revoked")
    elif action == "erase_patient" and model.patients[args[0]] not in model.erased:
        await services.deletion.delete(model.patients[args[0]], PASSWORD)
        model.erased.add(model.patients[args[0]])
        model.grants = {k: v for k, v in model.grants.items() if k[0] != args[0]}
    elif action == "erase_clinician" and model.clinicians[args[0]] not in model.erased:
        await services.deletion.delete(model.clinicians[args[0]], PASSWORD)
        model.erased.add(model.clinicians[args[0]])
        for p, c in [k for k in model.grants if k[1] == args[0]]:
            del model.grants[(p, c)]
            model.log(p, c, "ended")


async def check(services: Services, model: Model) -> None:
    sharing = services.sharing
    for c, clinician in enumerate(model.clinicians):
        if clinician in model.erased:
            continue
        allowed = {model.patients[p]: scope for (p, cc), scope in model.grants.items() if cc == c}
        listed = await sharing.patients(clinician)
        assert {item.patient_id: item.scope for item in listed} == allowed
        for p, patient in enumerate(model.patients):
            if patient in allowed:
                model.log(p, c, "viewed_list")
            if patient not in allowed:
                assert await refused(sharing.patient(clinician, patient)) == "no_grant"
                continue
            detail = await sharing.patient(clinician, patient)
            assert (detail.sets is not None) == (allowed[patient] == "summary_sets")
            model.log(p, c, "viewed_sets" if detail.sets is not None else "viewed_summary")
    for p, patient in enumerate(model.patients):
        logged = [(e.clinician, e.kind) for e in await sharing.access_log(patient)]
        want = [] if patient in model.erased else model.logs[p][::-1]
        assert logged == want, (p, logged, want)
