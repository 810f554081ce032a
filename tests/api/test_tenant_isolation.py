"""Tenant isolation (docs/architecture.md, "Sync"): B can neither read nor change A's records.

The owner comes from the session, never the payload; a device id is bound to its user; a record id
owned by another account is refused. Every way in is tried: pull, push on each field of each record
type, A's device id, A's op ids, A's pull cursor, /api/me, and no session at all. The interleavings
of A's and B's pushes are in test_tenant_interleavings.py.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from litestar import Litestar

from backend.domain.records import RECORD_FIELDS, SERVER_RECORDS
from sync.merge import DELETED
from tests.support.api import User, new_id, snapshot
from tests.support.tenants import SYNC_TABLES, Tenants, record_ids

PROBLEM = "application/problem+json"


# What B tries to write over A's values (tests.support.tenants.a_values): valid, each different.
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
        "workout": None,
        "warmup": True,
    },
    "routine": {"name": "Hijacked", "exercises": "", "rows": ""},
    "workout": {
        "name": None,
        "routine": "019aa000-0000-7000-8000-00000000b0b0",
        "exercises": "single-arm-db-row",
        "rows": "9",
        "side": "left",
        "started_at": 1_000_000_000_000,
        "finished_at": 1_000_000_000_001,
    },
    "limb_status": {
        "limb": "left_leg",
        "status": "healthy",
        "since": "2001-01-01",
        "sessions_per_week": 7,
    },
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
    client_types = {t: set(f) for t, f in RECORD_FIELDS.items() if t not in SERVER_RECORDS}
    assert {t: set(f) for t, f in B_VALUES.items()} == client_types


def rows_of(state: dict[str, list[dict[str, Any]]], account_id: int) -> dict[str, list[Any]]:
    return {
        table: [row for row in rows if row["account_id"] == account_id]
        for table, rows in state.items()
        if table in SYNC_TABLES
    }


async def sync_rows(app: Litestar, account_id: int) -> dict[str, list[Any]]:
    return rows_of(await snapshot(app, SYNC_TABLES), account_id)


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
    assert a_me == {"id": tenants.a_id, "email": "a@example.com", "time_zone": "UTC"}
    assert b_me == {"id": tenants.b_id, "email": "b@example.com", "time_zone": "UTC"}
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
