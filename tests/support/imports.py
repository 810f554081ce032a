"""Helpers of the import and export tests: upload a file, commit it with a plan, read sets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from tests.support.api import User

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "imports"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


async def preview(user: User, data: bytes, unit: str | None = None) -> httpx.Response:
    form = {"unit": unit} if unit else {}
    return await user.client.post(
        "/api/import/preview", files={"file": ("export.csv", data)}, data=form, headers=user.csrf
    )


def plan_for(
    preview_body: dict[str, Any], side: str = "alternate", new: bool = False
) -> dict[str, Any]:
    """Every exercise to its suggested catalogue exercise (else a new one) with ``side``."""
    choices = []
    for exercise in preview_body["exercises"]:
        target = exercise["suggested"]
        choice: dict[str, Any] = {"name": exercise["name"], "target": target, "side": side}
        if target is None or new:
            choice["target"] = "new"
            choice["new"] = {"name": exercise["name"], "limb": exercise["limb"], "unilateral": True}
        choices.append(choice)
    return {"exercises": choices}


async def commit(
    user: User, data: bytes, plan: dict[str, Any] | None, unit: str | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """The commit's status and its events (JSON lines), or the problem as one event."""
    form: dict[str, str] = {"plan": json.dumps(plan or {})}
    if unit:
        form["unit"] = unit
    response = await user.client.post(
        "/api/import/commit", files={"file": ("export.csv", data)}, data=form, headers=user.csrf
    )
    if response.headers["content-type"].startswith("application/x-ndjson"):
        return response.status_code, [json.loads(line) for line in response.text.splitlines()]
    return response.status_code, [response.json()]


async def import_file(
    user: User, data: bytes, side: str = "alternate", unit: str | None = None
) -> dict[str, Any]:
    response = await preview(user, data, unit)
    assert response.status_code == 200, response.text
    status, events = await commit(user, data, plan_for(response.json(), side), unit)
    assert status == 200, events
    assert events[-1]["type"] == "done", events
    return events[-1]


async def sets_of(app: Any, email: str) -> list[dict[str, Any]]:
    sql = (
        "SELECT s.* FROM logged_set s JOIN account a ON a.id = s.account_id "
        "WHERE a.email = :email ORDER BY s.performed_at_ms, s.set_id"
    )
    async with app.state.services.db.read() as conn:
        return [dict(row._mapping) for row in await conn.execute(text(sql), {"email": email})]


async def fields_of(app: Any, email: str) -> dict[str, dict[str, Any]]:
    """Every existing record of the account: id -> field -> decoded value."""
    sql = (
        "SELECT f.record_id, f.field, f.value, f.record_type FROM field_state f "
        "JOIN account a ON a.id = f.account_id WHERE a.email = :email"
    )
    records: dict[str, dict[str, Any]] = {}
    async with app.state.services.db.read() as conn:
        for record_id, name, value, record_type in await conn.execute(text(sql), {"email": email}):
            records.setdefault(record_id, {"_type": record_type})[name] = json.loads(value)
    return {rid: f for rid, f in records.items() if f.get("_deleted") is not True}
