"""An API client that signs up, keeps its cookies and sends the CSRF header."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import text

from sync.hlc import Hlc
from sync.ids import uuid7

PASSWORD = "correct horse battery"


def new_id(now_ms: int) -> str:
    return uuid7(now_ms, os.urandom(10))


@dataclass
class User:
    client: httpx.AsyncClient
    email: str
    device_id: str = ""
    counter: int = field(default=0)

    @property
    def csrf(self) -> dict[str, str]:
        return {"x-csrftoken": self.client.cookies.get("csrftoken") or ""}

    async def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        headers = {**self.csrf, **kwargs.pop("headers", {})}
        if body is not None:
            kwargs["json"] = body
        return await self.client.post(path, headers=headers, **kwargs)

    async def post_raw(self, path: str, content: bytes) -> httpx.Response:
        headers = {**self.csrf, "content-type": "application/json"}
        return await self.client.post(path, content=content, headers=headers)

    def op(
        self, record_type: str, record_id: str, fld: str, value: Any, wall_ms: int
    ) -> dict[str, Any]:
        """A fresh op stamped by this user's device (counter keeps stamps unique)."""
        self.counter += 1
        return {
            "op_id": new_id(wall_ms),
            "record_type": record_type,
            "record_id": record_id,
            "field": fld,
            "value": value,
            "hlc": Hlc(wall_ms, self.counter, self.device_id).encode(),
        }

    async def push(self, ops: list[dict[str, Any]], device_id: str | None = None) -> httpx.Response:
        body = {"device_id": device_id or self.device_id, "schema": 1, "ops": ops}
        return await self.post("/api/sync/push", body)

    async def pull(self, cursor: str | None = None, limit: int = 500) -> httpx.Response:
        return await self.post(
            "/api/sync/pull", {"device_id": self.device_id, "cursor": cursor, "limit": limit}
        )

    async def pull_all(self) -> list[dict[str, Any]]:
        changes: list[dict[str, Any]] = []
        cursor = None
        while True:
            response = await self.pull(cursor)
            assert response.status_code == 200, response.text
            page = response.json()
            changes.extend(page["changes"])
            cursor = page["cursor"]
            if not page["has_more"]:
                return changes


async def sign_up(client: httpx.AsyncClient, email: str) -> User:
    """Sign up ``email`` on ``client`` and register a device."""
    await client.get("/api/me")  # any GET outside /healthz hands out the CSRF cookie
    user = User(client, email)
    response = await user.post("/api/auth/signup", {"email": email, "password": PASSWORD})
    assert response.status_code == 201, response.text
    response = await user.post("/api/devices")
    assert response.status_code == 201, response.text
    user.device_id = response.json()["device_id"]
    return user


SNAPSHOT_TABLES = (
    "op_log",
    "field_state",
    "record",
    "logged_set",
    "set_daily",
    "set_weekly",
    "account",
    "device",
    "web_session",
    "push_subscription",
)


async def snapshot(
    app: Any, tables: tuple[str, ...] = SNAPSHOT_TABLES
) -> dict[str, list[dict[str, Any]]]:
    """Every row of ``tables`` as column -> value, in a stable order: equal iff unchanged."""
    state: dict[str, list[dict[str, Any]]] = {}
    async with app.state.services.db.read() as conn:
        for table in tables:
            rows = [
                dict(row._mapping) for row in await conn.execute(text(f"SELECT * FROM {table}"))
            ]
            state[table] = sorted(rows, key=lambda row: repr(sorted(row.items())))
    return state
