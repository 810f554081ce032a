"""Tenant isolation (DESIGN.md §4 "Authorization"): B can neither read nor change A's records.

The owner comes from the session, never the payload; a device id is bound to its user; a record id
owned by another account is refused. Every way in is tried: pull, push on each field of each record
type, A's device id, A's op ids, A's pull cursor, /api/me, and no session at all. A Hypothesis test
interleaves A's and B's pushes over shared record ids and compares each user's pulled state with
the pure merge model of exactly the ops that user had accepted.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from litestar import Litestar

from backend.domain.records import RECORD_FIELDS
from sync.ids import uuid7
from sync.merge import DELETED, merge_all
from sync.wire import Op
from tests.support.api import User, new_id, snapshot

PROBLEM = "application/problem+json"
SYNC_TABLES = ("op_log", "field_state", "record", "logged_set")


def a_values(exercise_id: str, now: int) -> dict[str, dict[str, Any]]:
    """What A logs: one record of every type, every field set."""
    return {
        "exercise": {"name": "Cable kickback", "limb": "leg", "unilateral": True},
        "set": {
            "exercise": exercise_id,
            "side": "left",
            "reps": 8,
            "weight_g": 20_000,
            "rpe_x10": 80,
            "eccentric_ms": 3_000,
            "performed_at": now,
            "note": "slow eccentric",
        },
        "limb_status": {"limb": "right_arm", "status": "injured", "since": "2026-11-03"},
        "reminder": {
            "weekdays": 0b0010101,
            "local_time": "07:30",
            "tz": "Europe/Berlin",
            "limb": "left_leg",
            "exercises": "single-leg-press,single-leg-curl",
            "enabled": True,
        },
    }


# What B tries to write over them: valid values, each different from A's.
B_VALUES: dict[str, dict[str, Any]] = {
    "exercise": {"name": "Hijacked", "limb": "arm", "unilateral": False},
    "set": {
        "exercise": "single-arm-db-row",
        "side": "right",
        "reps": 1,
        "weight_g": 999_000,
        "rpe_x10": 10,
        "eccentric_ms": 0,
        "performed_at": 1_000_000_000_000,
        "note": "B was here",
    },
    "limb_status": {"limb": "left_leg", "status": "healthy", "since": "2001-01-01"},
    "reminder": {
        "weekdays": 0,
        "local_time": "03:00",
        "tz": "Pacific/Kiritimati",
        "limb": "right_arm",
        "exercises": "",
        "enabled": False,
    },
}


def test_b_values_cover_every_field() -> None:
    assert {t: set(f) for t, f in B_VALUES.items()} == {t: set(f) for t, f in RECORD_FIELDS.items()}


@dataclass
class Tenants:
    app: Litestar
    a: User
    b: User
    a_id: int
    b_id: int
    now: int
    a_records: dict[str, str]  # record type -> A's record id
    a_ops: list[dict[str, Any]]  # every op A pushed
    a_state: list[dict[str, Any]]  # A's pull_all after pushing


@pytest.fixture
async def tenants(app: Litestar, new_user) -> Tenants:
    a: User = await new_user("a@example.com")
    b: User = await new_user("b@example.com")
    now = int(time.time() * 1000)
    records = {record_type: new_id(now) for record_type in RECORD_FIELDS}
    ops = [
        a.op(record_type, records[record_type], field, value, now)
        for record_type, fields in a_values(records["exercise"], now).items()
        for field, value in fields.items()
    ]
    response = await a.push(ops)
    assert response.status_code == 200, response.text
    assert {r["status"] for r in response.json()["results"]} == {"applied"}
    a_state = await a.pull_all()
    assert len(a_state) == len(ops)
    a_id = (await a.client.get("/api/me")).json()["id"]
    b_id = (await b.client.get("/api/me")).json()["id"]
    return Tenants(app, a, b, a_id, b_id, now, records, ops, a_state)


def rows_of(state: dict[str, list[dict[str, Any]]], account_id: int) -> dict[str, list[Any]]:
    return {
        table: [row for row in rows if row["account_id"] == account_id]
        for table, rows in state.items()
        if table in SYNC_TABLES
    }


async def sync_rows(app: Litestar, account_id: int) -> dict[str, list[Any]]:
    return rows_of(await snapshot(app, SYNC_TABLES), account_id)


def record_ids(changes: list[dict[str, Any]]) -> set[str]:
    return {change["record_id"] for change in changes}


def nodes(changes: list[dict[str, Any]]) -> set[str]:
    return {change["hlc"].rsplit("-", 1)[1] for change in changes}


def rejections(response: httpx.Response) -> list[str | None]:
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "ops_rejected"
    return [r.get("reason") for r in response.json()["results"] if r["status"] == "rejected"]


def assert_problem(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["code"] == code


async def test_b_pulls_none_of_a_records_or_ops(tenants: Tenants) -> None:
    a, b, now = tenants.a, tenants.b, tenants.now
    mine = new_id(now)
    response = await b.push(
        [b.op("set", mine, "reps", 5, now), b.op("set", mine, "side", "right", now)]
    )
    assert response.status_code == 200, response.text

    changes = await b.pull_all()

    assert record_ids(changes) == {mine}
    assert nodes(changes) == {b.device_id}
    assert a.device_id not in str(changes)
    assert not record_ids(changes) & set(tenants.a_records.values())
    # Small pages walk the same history: still nothing of A's.
    cursor, paged = None, []
    while True:
        page = (await b.pull(cursor, limit=1)).json()
        paged += page["changes"]
        cursor = page["cursor"]
        if not page["has_more"]:
            break
    assert paged == changes


async def test_b_pushing_on_a_records_is_refused_field_by_field(tenants: Tenants) -> None:
    a, b = tenants.a, tenants.b
    before = await sync_rows(tenants.app, tenants.a_id)
    # A minute ahead of A's stamps: were the owner guard missing, every one of these would win.
    later = tenants.now + 60_000
    for record_type, record_id in tenants.a_records.items():
        fields = [*B_VALUES[record_type].items(), (DELETED, True)]
        for field, value in fields:
            response = await b.push([b.op(record_type, record_id, field, value, later)])
            assert rejections(response) == ["foreign_record"], (record_type, field)

    assert await a.pull_all() == tenants.a_state
    assert await sync_rows(tenants.app, tenants.a_id) == before
    assert await b.pull_all() == []


async def test_b_foreign_ops_fail_alone_in_a_mixed_batch(tenants: Tenants) -> None:
    a, b, later = tenants.a, tenants.b, tenants.now + 60_000
    before = await sync_rows(tenants.app, tenants.a_id)
    mine = new_id(tenants.now)
    own = b.op("set", mine, "reps", 3, later)
    foreign = [
        b.op(record_type, record_id, DELETED, True, later)
        for record_type, record_id in tenants.a_records.items()
    ]
    # The wrong record type as well: ownership is checked before the type.
    foreign.append(b.op("reminder", tenants.a_records["set"], "enabled", False, later))

    response = await b.push([*foreign[:2], own, *foreign[2:]])

    results = {r["op_id"]: r for r in response.json()["results"]}
    assert rejections(response) == ["foreign_record"] * len(foreign)
    assert results[own["op_id"]]["status"] == "applied"
    assert await a.pull_all() == tenants.a_state
    assert await sync_rows(tenants.app, tenants.a_id) == before
    assert record_ids(await b.pull_all()) == {mine}


async def test_b_cannot_use_a_device_id(tenants: Tenants) -> None:
    a, b = tenants.a, tenants.b
    before = await snapshot(tenants.app)
    # Stamped with A's node too, so the only thing wrong is whose device it is.
    op = a.op("set", new_id(tenants.now), "reps", 5, tenants.now)

    push = await b.post("/api/sync/push", {"device_id": a.device_id, "schema": 1, "ops": [op]})
    on_a_record = await b.post(
        "/api/sync/push",
        {
            "device_id": a.device_id,
            "schema": 1,
            "ops": [a.op("set", tenants.a_records["set"], "reps", 1, tenants.now)],
        },
    )
    pull = await b.post("/api/sync/pull", {"device_id": a.device_id, "cursor": None})

    assert_problem(push, 403, "unknown_device")
    assert_problem(on_a_record, 403, "unknown_device")
    assert_problem(pull, 403, "unknown_device")
    assert "changes" not in pull.json()
    assert await snapshot(tenants.app) == before
    assert await a.pull_all() == tenants.a_state


async def test_b_replaying_a_ops_changes_nothing(tenants: Tenants) -> None:
    a, b = tenants.a, tenants.b
    before = await snapshot(tenants.app)
    note = next(op for op in tenants.a_ops if op["field"] == "note")
    restamped = {**note, "hlc": note["hlc"].rsplit("-", 1)[0] + "-" + b.device_id}

    # A's exact op: its HLC names A's device, which is not B's.
    exact = await b.push([note])
    # Re-stamped with B's node: same op id, so a conflict before the record is even looked at.
    same_id = await b.push([restamped])
    # A's op id on B's own fresh record, with B's own content.
    own_record = await b.push([{**restamped, "record_id": new_id(tenants.now), "value": "mine"}])

    assert rejections(exact) == ["node_mismatch"]
    assert rejections(same_id) == ["op_id_conflict"]
    assert rejections(own_record) == ["op_id_conflict"]
    assert await snapshot(tenants.app) == before
    assert await a.pull_all() == tenants.a_state
    assert await b.pull_all() == []
    # A's own retry is still just a duplicate: B's attempts did not poison the op id.
    retry = await a.push([note])
    assert retry.status_code == 200, retry.text
    assert [r["status"] for r in retry.json()["results"]] == ["duplicate"]


async def test_b_with_a_cursor_gets_only_b_data(tenants: Tenants) -> None:
    a, b, now = tenants.a, tenants.b, tenants.now
    a_cursor = (await a.pull(limit=3)).json()["cursor"]
    a_end = (await a.pull(limit=1000)).json()["cursor"]
    mine = [new_id(now) for _ in range(3)]
    for record_id in mine:
        assert (await b.push([b.op("set", record_id, "reps", 4, now)])).status_code == 200

    for cursor in (a_cursor, a_end):
        seen: list[dict[str, Any]] = []
        page = (await b.pull(cursor, limit=2)).json()
        assert page["reset"] is True
        seen += page["changes"]
        while page["has_more"]:
            page = (await b.pull(page["cursor"], limit=2)).json()
            seen += page["changes"]
        assert record_ids(seen) == set(mine)
        assert nodes(seen) == {b.device_id}


async def test_me_shows_only_self(tenants: Tenants) -> None:
    a_me = (await tenants.a.client.get("/api/me")).json()
    b_me = (await tenants.b.client.get("/api/me")).json()
    assert a_me == {"id": tenants.a_id, "email": "a@example.com"}
    assert b_me == {"id": tenants.b_id, "email": "b@example.com"}
    assert tenants.a_id != tenants.b_id


@pytest.mark.parametrize("cookie", [None, "forged-session-token", "stale"], ids=str)
async def test_without_a_valid_session_every_sync_and_device_endpoint_is_401(
    tenants: Tenants, client: httpx.AsyncClient, cookie: str | None
) -> None:
    a = tenants.a
    if cookie == "stale":
        cookie = a.client.cookies["sidewise_session"]
        assert (await a.post("/api/auth/logout")).status_code == 204
    await client.get("/api/me")  # the CSRF cookie
    if cookie is not None:
        client.cookies.set("sidewise_session", cookie)
    anon = User(client, "anon@example.com", device_id=a.device_id)
    before = await snapshot(tenants.app)

    responses = {
        "push": await anon.push([anon.op("set", tenants.a_records["set"], "reps", 1, tenants.now)]),
        "pull": await anon.pull(),
        "devices": await anon.post("/api/devices"),
        "me": await client.get("/api/me"),
    }

    for name, response in responses.items():
        assert response.status_code == 401, (name, response.text)
        assert response.headers["content-type"].startswith(PROBLEM)
        assert response.json()["code"] == "not_authenticated"
        assert "changes" not in response.json()
    assert await snapshot(tenants.app) == before


async def test_b_repeating_a_foreign_op_in_one_batch_is_rejected_both_times(
    tenants: Tenants,
) -> None:
    """The twin of a rejected op must not be acknowledged as a ``duplicate`` (never stored)."""
    b = tenants.b
    foreign = b.op("set", tenants.a_records["set"], "reps", 1, tenants.now)

    response = await b.push([foreign, foreign])

    assert rejections(response) == ["foreign_record", "foreign_record"]


# --- interleavings ---------------------------------------------------------------------------

POOL = 3  # record ids per example, shared by A and B so that they collide
edits = st.one_of(
    st.tuples(st.just("reps"), st.integers(0, 1000)),
    st.tuples(st.just("side"), st.sampled_from(["left", "right", "both"])),
    st.tuples(st.just("note"), st.sampled_from(["", "a", "b", "é", "😀"])),
    st.tuples(st.just(DELETED), st.booleans()),
)
# (record index, (field, value), wall offset in ms): offsets make a user's HLCs go back and forth.
op_specs = st.tuples(st.integers(0, POOL - 1), edits, st.integers(0, 3))
steps = st.lists(
    st.tuples(
        st.sampled_from("ab"),
        st.lists(op_specs, min_size=1, max_size=4),
        st.lists(st.integers(0, 1000), max_size=2),  # picks of earlier ops to retry
    ),
    min_size=1,
    max_size=6,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(plan=steps)
async def test_interleaved_pushes_each_user_sees_exactly_the_model_of_own_accepted_ops(
    tenants: Tenants, plan: list[Any]
) -> None:
    users = {"a": tenants.a, "b": tenants.b}
    accounts = {"a": tenants.a_id, "b": tenants.b_id}
    now = int(time.time() * 1000)
    pool = [uuid7(now, os.urandom(10)) for _ in range(POOL)]  # unique per example
    owner: dict[str, str] = {}
    sent: dict[str, list[dict[str, Any]]] = {"a": [], "b": []}
    accepted: dict[str, list[dict[str, Any]]] = {"a": [], "b": []}

    for who, specs, retry_picks in plan:
        user = users[who]
        ops = [user.op("set", pool[i], field, value, now + dt) for i, (field, value), dt in specs]
        retries = [sent[who][pick % len(sent[who])] for pick in retry_picks if sent[who]]
        retries = [op for op in retries if op["op_id"] not in {o["op_id"] for o in ops}]
        batch = ops + list({op["op_id"]: op for op in retries}.values())
        sent[who] += ops
        for op in batch:
            owner.setdefault(op["record_id"], who)

        response = await user.push(batch)

        assert response.status_code in (200, 422), response.text
        results = response.json()["results"]
        assert [r["op_id"] for r in results] == [op["op_id"] for op in batch]
        for op, result in zip(batch, results, strict=True):
            if owner[op["record_id"]] == who:
                assert result["status"] != "rejected", (op, result)
                accepted[who].append(op)
            else:
                assert (result["status"], result.get("reason")) == ("rejected", "foreign_record")

    for who, user in users.items():
        pulled = [c for c in await user.pull_all() if c["record_id"] in pool]
        assert {r for r, w in owner.items() if w == who} >= record_ids(pulled)
        model = merge_all(Op(**op) for op in accepted[who])
        assert {(c["record_id"], c["field"]): (c["hlc"], c["value"]) for c in pulled} == {
            key: (fv.hlc, fv.value) for key, fv in model.items()
        }
    state = await snapshot(tenants.app, SYNC_TABLES)
    for table, rows in state.items():
        for row in rows:
            record_id = row.get("record_id", row.get("set_id"))
            if record_id in owner:
                assert row["account_id"] == accounts[owner[record_id]], (table, row)
