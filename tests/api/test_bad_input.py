"""Bad input gets a clear 4xx problem response and changes nothing (docs/architecture.md,
"Security").

Every row sends raw bytes, so the JSON encoder of the test client cannot tidy anything up, and
compares a snapshot of the stored state before and after: one bad request per row makes "nothing
changed" exact. The last test throws every body of the table at every POST endpoint: never a 5xx.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from backend.push.vapid import VapidKey
from backend.settings import Settings
from tests.api.bad_input_cases import CASES as BODY_CASES
from tests.api.bad_input_cases import POST_ENDPOINTS, PUSH, Case
from tests.api.bad_input_http_cases import HTTP_CASES
from tests.conftest import make_settings
from tests.support.api import User, new_id, snapshot
from tests.support.bad_bodies import Ctx, body, op

CASES = [*BODY_CASES, *HTTP_CASES]

PROBLEM = "application/problem+json"
VAPID = VapidKey.generate()


def sender_of(ctx: Ctx, case: Case) -> User:
    return {"a": ctx.a, "b": ctx.b, "anon": ctx.anon}[case.sender]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """With a VAPID key, so that subscriptions reach the endpoint guard."""
    return make_settings(database_url, tmp_path, vapid_private_key=VAPID.private_raw())


async def send(
    user: User, path: str, raw: bytes, *, csrf: bool = True, method: str = "POST"
) -> httpx.Response:
    if method == "GET":
        return await user.client.get(path)
    if csrf:
        return await user.post_raw(path, raw)
    return await user.client.post(path, content=raw, headers={"content-type": "application/json"})


async def send_case(ctx: Ctx, case: Case, raw: bytes) -> httpx.Response:
    user = sender_of(ctx, case)
    headers = dict(user.csrf) if case.csrf else {}
    if case.content_type is not None:
        headers["content-type"] = case.content_type
    if case.host is not None:
        headers["host"] = case.host
    return await user.client.request(case.method, case.path, content=raw, headers=headers)


def assert_problem(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM), response.headers
    problem = response.json()
    assert problem["code"] == code, problem
    assert problem["status"] == status
    for key in ("type", "title", "detail"):
        assert problem[key], key
    return problem


def test_case_ids_are_unique() -> None:
    assert len({case.id for case in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
async def test_bad_request_is_a_clear_4xx_and_changes_nothing(ctx: Ctx, case: Case) -> None:
    raw = case.build(ctx)
    before = await snapshot(ctx.app)
    response = await send_case(ctx, case, raw)
    after = await snapshot(ctx.app)

    problem = assert_problem(response, case.status, case.code)
    for name, value in case.answer_headers:
        assert response.headers.get(name) == value, (name, response.headers)
    if case.reason is not None:
        assert [(r["status"], r.get("reason")) for r in problem["results"]] == [
            ("rejected", case.reason)
        ]
        assert isinstance(problem["server_hlc"], str)
        assert abs(problem["server_time_ms"] - time.time() * 1000) < 60_000
    assert after == before
    if case.then_normal:
        for user in (ctx.a, ctx.b):
            response = await user.push([user.op("set", new_id(ctx.now), "reps", 8, ctx.now)])
            assert response.status_code == 200, response.text
            assert (await user.pull()).status_code == 200


async def test_custom_exercise_id_may_arrive_before_the_exercise(ctx: Ctx) -> None:
    """Positive control next to the rows above: a well-formed UUIDv7 exercise id is accepted."""
    exercise_id = new_id(ctx.now)
    set_id = new_id(ctx.now)
    before = await snapshot(ctx.app)
    response = await send(
        ctx.a, PUSH, body(ctx, [op(ctx, "exercise", exercise_id, record_id=set_id)])
    )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert [r["status"] for r in response.json()["results"]] == ["applied"]
    after = await snapshot(ctx.app)
    assert after != before
    sets = {row["set_id"]: row for row in after["logged_set"]}
    assert sets[set_id]["exercise"] == exercise_id


async def test_one_bad_op_does_not_block_the_good_ones(ctx: Ctx) -> None:
    good_set, bad_set = new_id(ctx.now), new_id(ctx.now)
    good = [
        op(ctx, "exercise", "single-arm-db-row", record_id=good_set),
        op(ctx, "side", "right", record_id=good_set),
        op(ctx, "reps", 10, record_id=good_set),
    ]
    bad = op(ctx, "reps", 100_000, record_id=bad_set)
    ops = [good[0], good[1], bad, good[2]]
    before = await snapshot(ctx.app)

    response = await send(ctx.a, PUSH, body(ctx, ops))

    problem = assert_problem(response, 422, "ops_rejected")
    results = problem["results"]
    assert [r["op_id"] for r in results] == [o["op_id"] for o in ops]
    assert [(r["status"], r.get("reason")) for r in results] == [
        ("applied", None),
        ("applied", None),
        ("rejected", "invalid_value"),
        ("applied", None),
    ]
    after = await snapshot(ctx.app)
    fields = {(row["record_id"], row["field"]) for row in after["field_state"]}
    assert {field for (rid, field) in fields if rid == good_set} == {"exercise", "side", "reps"}
    assert not any(rid == bad_set for rid, _ in fields)
    logged = {row["op_id"] for row in after["op_log"]}
    assert {o["op_id"] for o in good} <= logged
    assert bad["op_id"] not in logged
    assert bad_set not in {row["record_id"] for row in after["record"]}
    sets = {row["set_id"]: row for row in after["logged_set"]}
    assert bad_set not in sets
    row = sets[good_set]
    assert (row["exercise"], row["side"], row["reps"]) == ("single-arm-db-row", "right", 10)
    # Nothing but the good ops was added.
    assert len(after["op_log"]) == len(before["op_log"]) + 3
    assert len(after["field_state"]) == len(before["field_state"]) + 3


async def test_every_body_at_every_endpoint_never_5xx(ctx: Ctx) -> None:
    """Throw the whole table's bodies at every POST endpoint, signed in and not."""
    bodies = [(case.id, case.build(ctx)) for case in CASES if case.method == "POST"]
    failures = []
    # The account endpoints come last: a body that happens to be valid credentials may switch
    # A's session, which must not hide anything from the sync endpoints.
    for path in POST_ENDPOINTS:
        for user in (ctx.a, ctx.anon):
            for case_id, raw in bodies:
                response = await send(user, path, raw)
                if response.status_code >= 500:
                    failures.append((path, user.email, case_id, response.status_code))
                elif response.status_code >= 400:
                    assert response.headers["content-type"].startswith(PROBLEM), case_id
    assert not failures, "5xx answers:\n" + "\n".join(map(str, failures))
