"""Clinician sharing over HTTP: share codes refused when expired, reused or mistyped; guessing
throttled; a grant shows the patient's LSI and alerts and nothing else; every read lands in the
patient's log; revoking, changing scope and erasing either account take effect at once."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from litestar import Litestar

from backend.domain.sharing import ALPHABET, CODE_TTL_MS
from backend.settings import Settings
from tests.api.test_insight import FRIDAY_WEEK_4, ROW, account_id
from tests.conftest import make_app, make_settings, open_client
from tests.domain.histories import steady, weekly
from tests.support.api import PASSWORD, User, new_id, sign_up
from tests.support.fakes import FakeClock
from tests.support.sets import push_all, set_ops

NewUser = Callable[[str], Awaitable[User]]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(FRIDAY_WEEK_4)


@pytest.fixture
def wall(clock: FakeClock) -> FakeClock:
    return clock


async def new_code(clinician: User, name: str | None = "Dr Hansen") -> str:
    response = await clinician.post("/api/clinician/codes", {"name": name})
    assert response.status_code == 201, response.text
    code = response.json()["code"]
    assert len(code) == 14
    assert code[4] == code[9] == "-"
    assert all(c in ALPHABET for c in code.replace("-", ""))
    return str(code)


async def grant(patient: User, code: str, scope: str = "summary") -> dict[str, Any]:
    response = await patient.post("/api/sharing/grants", {"code": code, "scope": scope})
    assert response.status_code == 201, response.text
    return dict(response.json())


async def log_of(patient: User) -> list[dict[str, Any]]:
    response = await patient.client.get("/api/sharing/log")
    assert response.status_code == 200, response.text
    return list(response.json()["events"])


async def with_alert(app: Litestar, patient: User, clock: FakeClock) -> None:
    """Four weeks of a lopsided row (right LSI 76 %), judged by the server."""
    await push_all(patient, set_ops(patient, steady(50, 38), clock.now, ROW))
    await app.state.services.insight.evaluate(await account_id(patient))


async def test_grant_shows_lsi_and_alert_logs_each_read_and_revoking_ends_it(
    app: Litestar, new_user: NewUser, clock: FakeClock
) -> None:
    clinician = await new_user("physio@example.com")
    patient = await new_user("patient@example.com")
    await with_alert(app, patient, clock)
    code = await new_code(clinician)

    typed = code.lower().replace("-", " ")  # as read out over the phone
    preview = await patient.post("/api/sharing/preview", {"code": typed})
    assert preview.status_code == 200, preview.text
    assert preview.json()["clinician"] == "Dr Hansen <physio@example.com>"
    assert [s["scope"] for s in preview.json()["scopes"]] == ["summary", "summary_sets"]
    granted = await grant(patient, typed)
    assert granted["scope"] == "summary"

    listed = await clinician.client.get("/api/clinician/patients")
    assert listed.status_code == 200, listed.text
    (item,) = listed.json()["patients"]
    assert item["email"] == "patient@example.com"
    summary = item["summary"]
    assert [(e["exercise"], e["latest_x10"]) for e in summary["exercises"]] == [(ROW, 760)]
    assert {a["kind"] for a in summary["alerts"]} == {"lsi", "volume"}
    assert summary["attention"] > 0
    assert summary["reasons"][0] == "2 open alerts"

    detail = await clinician.client.get(f"/api/clinician/patients/{item['patient_id']}")
    assert detail.status_code == 200, detail.text
    assert detail.json()["sets"] is None  # notes only under summary_sets
    assert detail.json()["charts"][0]["exercise"] == ROW
    assert [e["kind"] for e in await log_of(patient)] == [
        "viewed_summary",
        "viewed_list",
        "granted",
    ]

    # The patient widens the scope: sets and their notes appear, and that read is logged so.
    (held,) = (await patient.client.get("/api/sharing/grants")).json()["grants"]
    changed = await patient.client.patch(
        f"/api/sharing/grants/{held['id']}", json={"scope": "summary_sets"}, headers=patient.csrf
    )
    assert changed.status_code == 200, changed.text
    detail = await clinician.client.get(f"/api/clinician/patients/{item['patient_id']}")
    assert len(detail.json()["sets"]) == len(steady(50, 38))
    assert (await log_of(patient))[0]["kind"] == "viewed_sets"

    revoked = await patient.client.delete(f"/api/sharing/grants/{held['id']}", headers=patient.csrf)
    assert revoked.status_code == 204
    assert (await clinician.client.get("/api/clinician/patients")).json()["patients"] == []
    gone = await clinician.client.get(f"/api/clinician/patients/{item['patient_id']}")
    assert (gone.status_code, gone.json()["code"]) == (404, "no_grant")
    assert [e["kind"] for e in await log_of(patient)][:3] == [
        "revoked",
        "viewed_sets",
        "scope_changed",
    ]
    # The clinician can neither pull the patient's records nor alter the log.
    assert all(c["record_type"] != "set" for c in await clinician.pull_all())
    for method in ("DELETE", "PUT", "PATCH", "POST"):
        response = await clinician.client.request(
            method, "/api/sharing/log", headers=clinician.csrf
        )
        assert response.status_code == 405


async def test_expired_reused_mistyped_and_own_codes_are_refused_clearly(
    new_user: NewUser, clock: FakeClock
) -> None:
    clinician = await new_user("physio@example.com")
    patient = await new_user("patient@example.com")
    other = await new_user("other@example.com")

    cases = {
        "ABCD-EFGH-JKL": (422, "code_malformed", "has 12"),
        "ABCD-EFGH-JKL0": (422, "code_malformed", "'0'"),
        "ABCD-EFGH-JKLM": (404, "code_unknown", "no share code"),
    }
    for typed, (status, code, words) in cases.items():
        response = await patient.post("/api/sharing/grants", {"code": typed, "scope": "summary"})
        assert (response.status_code, response.json()["code"]) == (status, code), typed
        assert words in response.json()["detail"]

    code = await new_code(clinician)
    own = await clinician.post("/api/sharing/grants", {"code": code, "scope": "summary"})
    assert (own.status_code, own.json()["code"]) == (422, "own_code")
    bad_scope = await patient.post("/api/sharing/grants", {"code": code, "scope": "everything"})
    assert (bad_scope.status_code, bad_scope.json()["code"]) == (422, "bad_scope")

    await grant(patient, code)
    reused = await other.post("/api/sharing/grants", {"code": code, "scope": "summary"})
    assert (reused.status_code, reused.json()["code"]) == (409, "code_used")

    late = await new_code(clinician)
    clock.now += CODE_TTL_MS
    expired = await other.post("/api/sharing/preview", {"code": late})
    assert (expired.status_code, expired.json()["code"]) == (422, "code_expired")
    assert "ask the clinician for a new one" in expired.json()["detail"]
    names = [
        p["email"]
        for p in (await clinician.client.get("/api/clinician/patients")).json()["patients"]
    ]
    assert names == ["patient@example.com"]


async def test_guessing_codes_is_throttled(
    database_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    settings: Settings = make_settings(database_url, tmp_path, limit_share_code="5/15m")
    app = make_app(settings, wall=clock)
    try:
        async with open_client(app) as client:
            guesser = await sign_up(client, "guesser@example.com")
            answers = []
            for n in range(7):
                guess = ALPHABET[n] * 12
                response = await guesser.post("/api/sharing/preview", {"code": guess})
                answers.append(response.status_code)
            assert answers == [404] * 5 + [429] * 2
            assert int(response.headers["retry-after"]) >= 1
            assert response.json()["code"] == "too_many_requests"
    finally:
        await app.state.services.db.dispose()


async def test_erasing_either_account_ends_the_grant(
    app: Litestar, new_user: NewUser, clock: FakeClock
) -> None:
    clinician = await new_user("physio@example.com")
    patient = await new_user("patient@example.com")
    second = await new_user("second@example.com")
    await grant(patient, await new_code(clinician))
    await grant(second, await new_code(clinician), "summary_sets")
    assert len((await clinician.client.get("/api/clinician/patients")).json()["patients"]) == 2

    erased = await patient.client.request(
        "DELETE", "/api/me", json={"password": PASSWORD}, headers=patient.csrf
    )
    assert erased.status_code == 204, erased.text
    listed = (await clinician.client.get("/api/clinician/patients")).json()["patients"]
    assert [p["email"] for p in listed] == ["second@example.com"]

    erased = await clinician.client.request(
        "DELETE", "/api/me", json={"password": PASSWORD}, headers=clinician.csrf
    )
    assert erased.status_code == 204, erased.text
    assert (await second.client.get("/api/sharing/grants")).json()["grants"] == []
    kinds = [e["kind"] for e in await log_of(second)]
    assert kinds == ["ended", "viewed_list", "viewed_list", "granted"]


async def test_codes_used_at_once_make_one_grant_and_one_code_serves_once(
    new_user: NewUser,
) -> None:
    clinician = await new_user("physio@example.com")
    patient = await new_user("patient@example.com")
    others = [await new_user(f"other{n}@example.com") for n in range(3)]
    codes = [await new_code(clinician) for _ in range(2)]
    # One patient, two codes of one clinician at once: one grant, both answered 201.
    both = await asyncio.gather(
        *(patient.post("/api/sharing/grants", {"code": c, "scope": "summary"}) for c in codes)
    )
    assert [r.status_code for r in both] == [201, 201], [r.text for r in both]
    assert len((await patient.client.get("/api/sharing/grants")).json()["grants"]) == 1
    # One code, three patients at once: exactly one gets it.
    code = await new_code(clinician)
    tries = await asyncio.gather(
        *(o.post("/api/sharing/grants", {"code": code, "scope": "summary"}) for o in others)
    )
    assert sorted(r.status_code for r in tries) == [201, 409, 409]
    listed = (await clinician.client.get("/api/clinician/patients")).json()["patients"]
    assert len(listed) == 2


async def test_the_summary_carries_cross_education_adherence(
    new_user: NewUser, clock: FakeClock
) -> None:
    clinician = await new_user("physio@example.com")
    patient = await new_user("patient@example.com")
    # Left arm injured since day 0 (3 sessions a week); the right arm trained for two weeks
    # only: 6 sessions done of the 11 due by day 25.
    status = {"limb": "left_arm", "status": "injured", "since": "2026-01-05"}
    record = new_id(clock.now)
    ops = [patient.op("limb_status", record, f, v, clock.now) for f, v in status.items()]
    ops += set_ops(patient, weekly(range(2), None, 22, "x"), clock.now, "single-arm-db-row")
    await push_all(patient, ops)
    await grant(patient, await new_code(clinician))

    (item,) = (await clinician.client.get("/api/clinician/patients")).json()["patients"]
    assert item["summary"]["adherence"] == [{"kind": "arm", "percent_x10": 545}]
    assert "arm plan adherence 54.5 %" in item["summary"]["reasons"]
    detail = await clinician.client.get(f"/api/clinician/patients/{item['patient_id']}")
    assert detail.json()["summary"]["adherence"] == [
        {
            "kind": "arm",
            "involved_side": "left",
            "trained_side": "right",
            "done": 6,
            "planned": 11,
            "percent_x10": 545,
        }
    ]
