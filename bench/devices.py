"""Simulated Sidewise devices: accounts over HTTP, HLC-stamped set ops, push and pull bodies."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import httpx
import msgspec

from sync.canon import Scalar
from sync.hlc import Hlc, send
from sync.ids import uuid7
from sync.wire import SCHEMA_VERSION, Op, OpResult, PullRequest, PushRequest

PASSWORD = "correct horse battery staple"
EXERCISES = (
    "single-leg-press",
    "single-leg-extension",
    "single-leg-curl",
    "split-squat",
    "single-arm-db-press",
    "single-arm-biceps-curl",
)
SET_FIELDS = (
    "exercise",
    "side",
    "reps",
    "weight_g",
    "rpe_x10",
    "eccentric_ms",
    "performed_at",
    "note",
)
# Instants inside the server's accepted range (2000..2100), spread over one year.
PERFORMED_FROM_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z
YEAR_MS = 365 * 86_400_000

ACKED = frozenset({"applied", "superseded", "duplicate"})
JSON = {"content-type": "application/json"}


class Acks(msgspec.Struct):
    """The per-op results of a push; a 422 problem carries them too."""

    results: list[OpResult]


class PullPage(msgspec.Struct):
    changes: list[dict[str, Any]]
    cursor: str
    has_more: bool
    reset: bool


_acks = msgspec.json.Decoder(Acks)
_page = msgspec.json.Decoder(PullPage)


def csrf(client: httpx.AsyncClient) -> dict[str, str]:
    return {"x-csrftoken": client.cookies.get("csrftoken") or ""}


def new_client(base_url: str, timeout_s: float = 30.0) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(timeout_s, connect=5.0),
        # Drop idle connections before uvicorn does (its keep-alive timeout is 5 s): reusing one
        # the server is closing at that moment fails with a ReadError.
        limits=httpx.Limits(max_connections=4, max_keepalive_connections=4, keepalive_expiry=4.0),
    )


async def _authenticated(
    base_url: str, path: str, email: str, expected: int, timeout_s: float
) -> httpx.AsyncClient:
    client = new_client(base_url, timeout_s)
    await client.get("/api/me")  # hands out the CSRF cookie
    response = await client.post(
        path, json={"email": email, "password": PASSWORD}, headers=csrf(client)
    )
    if response.status_code != expected:
        await client.aclose()
        raise RuntimeError(f"{path} failed: {response.status_code} {response.text}")
    return client


async def sign_up(base_url: str, email: str, timeout_s: float = 30.0) -> httpx.AsyncClient:
    """A client signed in to a new account (session and CSRF cookies kept in its jar)."""
    return await _authenticated(base_url, "/api/auth/signup", email, 201, timeout_s)


async def log_in(base_url: str, email: str, timeout_s: float = 30.0) -> httpx.AsyncClient:
    """Another browser of an existing account: its own session."""
    return await _authenticated(base_url, "/api/auth/login", email, 200, timeout_s)


async def register_device(client: httpx.AsyncClient) -> str:
    response = await client.post("/api/devices", headers=csrf(client))
    if response.status_code != 201:
        raise RuntimeError(f"device registration failed: {response.status_code} {response.text}")
    return str(response.json()["device_id"])


def push_body(device_id: str, ops: Sequence[Op]) -> bytes:
    return msgspec.json.encode(PushRequest(device_id, SCHEMA_VERSION, list(ops)))


def pull_body(device_id: str, cursor: str | None, limit: int = 1000) -> bytes:
    return msgspec.json.encode(PullRequest(device_id, cursor, limit))


def decode_acks(content: bytes) -> list[OpResult]:
    return _acks.decode(content).results


def decode_page(content: bytes) -> PullPage:
    return _page.decode(content)


async def push(client: httpx.AsyncClient, body: bytes) -> httpx.Response:
    return await client.post("/api/sync/push", content=body, headers={**csrf(client), **JSON})


async def pull(client: httpx.AsyncClient, body: bytes) -> httpx.Response:
    return await client.post("/api/sync/pull", content=body, headers={**csrf(client), **JSON})


class Stamper:
    """One device's hybrid logical clock and id source (seeded, so runs are reproducible)."""

    def __init__(self, node: str, rng: random.Random) -> None:
        self.clock = Hlc(0, 0, node)
        self.rng = rng

    def new_id(self, wall_ms: int) -> str:
        return uuid7(wall_ms, self.rng.randbytes(10))

    def op(
        self, record_id: str, field: str, value: Scalar, now_ms: int, record_type: str = "set"
    ) -> Op:
        self.clock = send(self.clock, now_ms)
        return Op(
            op_id=self.new_id(self.clock.wall_ms),
            record_type=record_type,
            record_id=record_id,
            field=field,
            value=value,
            hlc=self.clock.encode(),
        )

    def new_record(
        self, fields: dict[str, Scalar | None], now_ms: int, record_type: str = "set"
    ) -> list[Op]:
        """A new record's ops, one per field given a value (None leaves a field out)."""
        record_id = self.new_id(now_ms)
        return [
            self.op(record_id, field, value, now_ms, record_type)
            for field, value in fields.items()
            if value is not None
        ]


def set_value(rng: random.Random, field: str) -> Scalar:
    """A plausible value for one field of a set."""
    if field == "exercise":
        return rng.choice(EXERCISES)
    if field == "side":
        return rng.choice(("left", "right"))
    if field == "reps":
        return rng.randint(1, 20)
    if field == "weight_g":
        return rng.randrange(0, 200_001, 500)
    if field == "rpe_x10":
        return rng.randint(10, 100)
    if field == "eccentric_ms":
        return rng.choice((0, 1000, 2000, 3000, 4000))
    if field == "performed_at":
        return PERFORMED_FROM_MS + rng.randrange(YEAR_MS)
    if field == "note":
        return rng.choice(("", "felt strong", "slow eccentric", "knee ok", "grip gave out"))
    raise ValueError(f"not a set field: {field}")


def new_set_ops(stamper: Stamper, now_ms: int) -> list[Op]:
    """The eight ops a phone sends when a set is logged."""
    record_id = stamper.new_id(now_ms)
    return [
        stamper.op(record_id, field, set_value(stamper.rng, field), now_ms) for field in SET_FIELDS
    ]


# Sets a gym phone may still edit: its last ten.
RECENT_SETS = 10


def gym_sync_ops(stamper: Stamper, recent: list[str], count: int, now_ms: int) -> list[Op]:
    """One gym sync's ``count`` ops: new sets of eight fields while they fit, then edits (reps,
    weight or note) of the phone's ``recent`` sets, which this keeps up to date."""
    ops: list[Op] = []
    while len(ops) + len(SET_FIELDS) <= count:
        new = new_set_ops(stamper, now_ms)
        recent[:] = [*recent[1 - RECENT_SETS :], new[0].record_id]
        ops.extend(new)
    rng = stamper.rng
    while len(ops) < count and recent:
        field = rng.choice(("reps", "weight_g", "note"))
        ops.append(stamper.op(rng.choice(recent), field, set_value(rng, field), now_ms))
    return ops
