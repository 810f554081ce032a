"""The context of the bad-input tests and the builders of their request bodies.

A body builder takes the context (two signed-in users, an anonymous client and A's logged set) and
returns the raw bytes of a request body; tests/api/bad_input_cases.py pairs each with its answer.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from litestar import Litestar
from sqlalchemy import text

from sync.hlc import MAX_COUNTER, MAX_DRIFT_MS, Hlc
from tests.support.api import PASSWORD, User, new_id
from tests.support.push_receiver import b64url

SYNC_MAX_BODY = 256 * 1024  # the default limit elsewhere is 64 KiB
RAW = "@@raw@@"


@dataclass
class Ctx:
    app: Litestar
    a: User
    b: User
    anon: User  # has a CSRF cookie but no session
    now: int
    a_set: str  # A's fully logged set
    a_note_op: dict[str, Any]  # the op that wrote A's set note (for op id reuse)
    a_epoch: str  # A's sync history epoch (what a pull cursor carries)


@pytest.fixture
async def ctx(app: Litestar, new_user, client: httpx.AsyncClient) -> Ctx:
    a: User = await new_user("a@example.com")
    b: User = await new_user("b@example.com")
    await client.get("/api/me")  # hands out the CSRF cookie
    anon = User(client, "anon@example.com")
    now = int(time.time() * 1000)
    a_set = new_id(now)
    ops = [
        a.op("set", a_set, field, value, now)
        for field, value in [
            ("exercise", "single-arm-db-row"),
            ("side", "left"),
            ("reps", 8),
            ("weight_g", 20_000),
            ("performed_at", now),
            ("note", "first"),
        ]
    ]
    response = await a.push(ops)
    assert response.status_code == 200, response.text
    async with app.state.services.db.read() as conn:
        epoch = (
            await conn.execute(
                text("SELECT epoch FROM sync_counter WHERE account_id = :a"),
                {"a": (await a.client.get("/api/me")).json()["id"]},
            )
        ).scalar_one()
    await fill_devices(app, b)
    return Ctx(app, a, b, anon, now, a_set, ops[-1], epoch)


async def fill_devices(app: Litestar, user: User) -> None:
    """Give ``user``'s account as many devices as an account may hold."""
    services = app.state.services
    account_id = (await user.client.get("/api/me")).json()["id"]
    async with services.db.write() as conn:
        for n in range(services.devices.max_devices - 1):  # one came with the sign-up
            await conn.execute(
                text("INSERT INTO device (node_id, account_id, created_at_ms) VALUES (:n, :a, 0)"),
                {"n": f"{n:016x}", "a": account_id},
            )


# --- body builders -------------------------------------------------------------------------------

Build = Callable[[Ctx], bytes]


def dumps(obj: Any) -> bytes:
    # ensure_ascii=False: U+007F, U+0085 and NFD text travel as raw UTF-8, as a browser sends them.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


def body(
    ctx: Ctx, ops: list[dict[str, Any]], *, device: Any = None, user: User | None = None, **top: Any
) -> bytes:
    sender = user or ctx.a
    return dumps(
        {"device_id": sender.device_id if device is None else device, "schema": 1, "ops": ops} | top
    )


def op(
    ctx: Ctx,
    field: str,
    value: Any,
    *,
    record_type: str = "set",
    record_id: str | None = None,
    user: User | None = None,
    wall_ms: int | None = None,
    **override: Any,
) -> dict[str, Any]:
    """One op by ``user`` (default A), on a fresh record unless ``record_id`` is given."""
    sender = user or ctx.a
    result = sender.op(record_type, record_id or new_id(ctx.now), field, value, wall_ms or ctx.now)
    return result | override


def one(field: str, value: Any, **kwargs: Any) -> Build:
    return lambda ctx: body(ctx, [op(ctx, field, value, **kwargs)])


def raw_value(raw: bytes, field: str = "note") -> Build:
    """A single op whose value is spliced in as raw bytes."""
    return lambda ctx: body(ctx, [op(ctx, field, RAW)]).replace(dumps(RAW), raw)


def spliced(before: bytes, raw: bytes) -> Build:
    """A valid single-op push with ``raw`` inserted right before the first ``before``."""
    return lambda ctx: body(ctx, [op(ctx, "note", "x")]).replace(before, raw + before, 1)


def top_level(**fields: Any) -> Build:
    return lambda ctx: body(ctx, [op(ctx, "reps", 8)], **fields)


def op_fields(**override: Any) -> Build:
    return lambda ctx: body(ctx, [op(ctx, "reps", 8, **override)])


def without_op_field(name: str) -> Build:
    def build(ctx: Ctx) -> bytes:
        bad = op(ctx, "reps", 8)
        del bad[name]
        return body(ctx, [bad])

    return build


def deep_value(depth: int) -> Build:
    return lambda ctx: body(ctx, [op(ctx, "note", RAW)]).replace(
        dumps(RAW), b"[" * depth + b"]" * depth
    )


def oversized(ctx: Ctx) -> bytes:
    raw = body(ctx, [op(ctx, "note", "x" * 300_000)])
    assert len(raw) > SYNC_MAX_BODY
    return raw


def too_many_ops(ctx: Ctx) -> bytes:
    record_id = new_id(ctx.now)
    raw = body(ctx, [op(ctx, "reps", 8, record_id=record_id) for _ in range(1001)])
    assert len(raw) < SYNC_MAX_BODY  # over the op limit, not the size limit
    return raw


def reused_op_id(ctx: Ctx) -> bytes:
    """A's note op again (same op id, record and field) with another value. The snapshot is
    taken after A's first push, so "unchanged" means the first value is still the stored one."""
    return body(ctx, [ctx.a_note_op | {"value": "second"}])


def replayed_by_b(ctx: Ctx) -> bytes:
    """B sends an op under A's op id (B's own record, clock and device)."""
    return body(
        ctx, [op(ctx, "note", "mine", user=ctx.b, op_id=ctx.a_note_op["op_id"])], user=ctx.b
    )


def b_on_a_record(ctx: Ctx) -> bytes:
    return body(ctx, [op(ctx, "reps", 9, record_id=ctx.a_set, user=ctx.b)], user=ctx.b)


def wrong_type_on_a_record(ctx: Ctx) -> bytes:
    return body(ctx, [op(ctx, "name", "Row", record_type="exercise", record_id=ctx.a_set)])


def future_hlc(ctx: Ctx) -> bytes:
    return body(ctx, [op(ctx, "reps", 8, wall_ms=int(time.time() * 1000) + 6 * 60_000)])


def foreign_node(ctx: Ctx) -> bytes:
    return body(ctx, [op(ctx, "reps", 8, hlc=Hlc(ctx.now, 1, ctx.b.device_id).encode())])


def b_device(ctx: Ctx) -> bytes:
    return body(ctx, [op(ctx, "reps", 8)], device=ctx.b.device_id)


def valid_push(ctx: Ctx) -> bytes:
    return body(ctx, [op(ctx, "reps", 8)])


def pull(**fields: Any) -> Build:
    return lambda ctx: dumps({"device_id": ctx.a.device_id, "cursor": None, "limit": 10} | fields)


def cursor(seq: int, record_id: str = "", field: str = "") -> Build:
    """A hand-made cursor carrying A's real epoch, so only the forged parts can be wrong.

    Cursors are the unpadded base64url of the JSON array ``[epoch, seq, record_id, field]``.
    """

    def build(ctx: Ctx) -> bytes:
        raw = json.dumps([ctx.a_epoch, seq, record_id, field]).encode()
        text_ = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        return dumps({"device_id": ctx.a.device_id, "cursor": text_, "limit": 10})

    return build


def credentials(email: str = "a@example.com", password: str = PASSWORD) -> Build:
    return lambda _ctx: dumps({"email": email, "password": password})


def password_change(current: str = PASSWORD, new: str = "a much better passphrase") -> Build:
    return lambda _ctx: dumps({"current_password": current, "new_password": new})


def const(raw: bytes) -> Build:
    return lambda _ctx: raw


def full_counter_ahead(
    refusal: str, ahead_ms: int = 15_000, counter: int = MAX_COUNTER - 1
) -> Build:
    """An op stamped ahead of the server with a (nearly) full counter that is refused for
    ``refusal``: B's op on A's record, or A's op under one of A's op ids. Were the server clock to
    follow it, its next stamp would exhaust the counter."""

    def build(ctx: Ctx) -> bytes:
        sender = ctx.b if refusal == "foreign_record" else ctx.a
        wall = int(time.time() * 1000) + min(ahead_ms, MAX_DRIFT_MS)
        hlc = Hlc(wall, counter, sender.device_id).encode()
        if refusal == "foreign_record":
            ops = [op(ctx, "reps", 9, record_id=ctx.a_set, user=ctx.b, hlc=hlc)]
        else:
            ops = [ctx.a_note_op | {"value": "second", "hlc": hlc}]
        return body(ctx, ops, user=sender)

    return build


SUBSCRIBE_KEYS = {
    # A valid P-256 point and auth secret, so only the endpoint can be wrong.
    "p256dh": b64url(
        ec.derive_private_key(7, ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    ),
    "auth": b64url(bytes(range(16))),
}


def subscription(endpoint: str) -> Build:
    return lambda _ctx: dumps(
        {"endpoint": endpoint, "expirationTime": None, "keys": SUBSCRIBE_KEYS}
    )
