"""Two tenants for the isolation tests: A with one record of every type, B with none."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import pytest
from litestar import Litestar

from backend.domain.records import RECORD_FIELDS, SERVER_RECORDS
from tests.support.api import User, new_id

SYNC_TABLES = ("op_log", "field_state", "record", "logged_set")


def a_values(exercise_id: str, now: int) -> dict[str, dict[str, Any]]:
    """What A logs: one record of every type a client creates, every field set."""
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
            "workout": "019aa000-0000-7000-8000-00000000a0a0",
        },
        "routine": {"name": "Legs A", "exercises": "single-leg-press", "rows": "3"},
        "workout": {
            "name": "Legs A",
            "routine": None,
            "exercises": "single-leg-press",
            "rows": "3",
            "side": None,
            "started_at": now,
            "finished_at": None,
        },
        "limb_status": {
            "limb": "right_arm",
            "status": "injured",
            "since": "2026-11-03",
            "sessions_per_week": 3,
        },
        "reminder": {
            "weekdays": 0b0010101,
            "local_time": "07:30",
            "tz": "Europe/Berlin",
            "limb": "left_leg",
            "exercises": "single-leg-press,single-leg-curl",
            "enabled": True,
        },
    }


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
    records = {t: new_id(now) for t in RECORD_FIELDS if t not in SERVER_RECORDS}
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


def record_ids(changes: list[dict[str, Any]]) -> set[str]:
    return {change["record_id"] for change in changes}
