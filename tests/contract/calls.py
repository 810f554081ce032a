"""The requests the contract test provokes its statuses with: who sends them (a signed-up
user, a second account, an anonymous client), with or without the CSRF token, with which body,
and the sharing steps (codes, grants) a clinician's or patient's request needs first."""

from __future__ import annotations

import json
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from cryptography.hazmat.primitives.asymmetric import ec
from litestar import Litestar

from backend.api.your_data import MAX_UPLOAD
from backend.push.vapid import VapidKey
from backend.settings import Settings
from tests.conftest import make_app, make_settings, open_client
from tests.support.api import User, new_id, sign_up
from tests.support.imports import fixture
from tests.support.push_receiver import BrowserSubscription

KEY = VapidKey.generate()
STRONG = fixture("strong.csv")
# The fixture's exercises, each to a new custom exercise, every set on the left.
STRONG_PLAN = {"plan": json.dumps({"exercises": [
    {"name": name, "target": "new", "side": "left",
     "new": {"name": name, "limb": limb, "unilateral": True}}
    for name, limb in (("Bicep Curl (Dumbbell)", "arm"), ("Bulgarian Split Squat", "leg"),
                       ("Single Leg Press (Machine)", "leg"))
]})}  # fmt: skip
FCM = "https://fcm.googleapis.com/fcm/send/contract:APA91bHun4MxP5egoKMwt2KZFBaFUH"
NOW_MS = 1_790_000_000_000
SYNC_LIMIT = 256 * 1024
BODY_LIMIT = 64 * 1024

# Declared but not provoked here, each with its reason.
UNPROVOKED = {
    429: "the limits are off in the test app; tests/api/test_throttling.py provokes each 429",
}


@dataclass
class Ctx:
    app: Litestar
    user: User  # signed in, with a registered device
    anon: User  # signed out: only the CSRF cookie
    other: User  # a second account
    settings: Settings
    tmp_path: Path


Body = Any | Callable[[Ctx], Any]
Run = Callable[[Ctx], Awaitable[httpx.Response]]


@dataclass(frozen=True)
class Call:
    run: Run
    without: str | None = None  # the credential left out: "session" or "csrf"


async def send(
    who: User, method: str, path: str, body: Body = None, *, csrf: bool = True, **kw: Any
) -> httpx.Response:
    headers = {**(who.csrf if csrf else {}), **kw.pop("headers", {})}
    return await who.client.request(method, path, json=body, headers=headers, **kw)


def _body(body: Body, ctx: Ctx) -> Any:
    return body(ctx) if callable(body) else body


def ok(method: str, path: str, body: Body = None) -> Call:
    return Call(lambda ctx: send(ctx.user, method, path, _body(body, ctx)))


def signed_out(method: str, path: str, body: Body = None) -> Call:
    return Call(lambda ctx: send(ctx.anon, method, path, _body(body, ctx)), "session")


def no_csrf(method: str, path: str, body: Body = None) -> Call:
    return Call(lambda ctx: send(ctx.user, method, path, _body(body, ctx), csrf=False), "csrf")


def raw(method: str, path: str, content: bytes) -> Call:
    json_type = {"content-type": "application/json"}
    return Call(lambda ctx: send(ctx.user, method, path, content=content, headers=json_type))


def malformed(method: str, path: str) -> Call:
    return raw(method, path, b'{"')


def too_large(method: str, path: str, limit: int = BODY_LIMIT) -> Call:
    return raw(method, path, b'{"x": "' + b"a" * limit + b'"}')


def not_json(method: str, path: str) -> Call:
    plain = {"content-type": "text/plain"}
    return Call(lambda ctx: send(ctx.user, method, path, content=b"{}", headers=plain))


def json_errors(method: str, path: str, limit: int = BODY_LIMIT) -> dict[int, Call]:
    return {
        400: malformed(method, path),
        413: too_large(method, path, limit),
        415: not_json(method, path),
    }


def upload(path: str, data: bytes, form: dict[str, str] | None = None, who: str = "user") -> Call:
    """A multipart upload of ``data`` as the form's file."""

    async def run(ctx: Ctx) -> httpx.Response:
        user = ctx.user if who == "user" else ctx.anon
        files = {"file": ("export.csv", data)}
        return await user.client.post(path, files=files, data=form or {}, headers=user.csrf)

    return Call(run, "session" if who == "anon" else None)


def upload_errors(path: str) -> dict[int, Call]:
    async def no_file(ctx: Ctx) -> httpx.Response:
        other = {"other": ("x.csv", b"x")}
        return await ctx.user.client.post(path, files=other, headers=ctx.user.csrf)

    async def no_csrf_upload(ctx: Ctx) -> httpx.Response:
        return await ctx.user.client.post(path, files={"file": ("export.csv", STRONG)})

    return {
        400: Call(no_file),
        401: upload(path, STRONG, who="anon"),
        403: Call(no_csrf_upload, "csrf"),
        413: upload(path, b"x" * (MAX_UPLOAD + 1)),
        415: raw("POST", path, b"{}"),
        422: upload(path, b"Day,Lift,Load\n1,press,20\n"),
    }


def subscription(endpoint: str = "") -> dict[str, Any]:
    """A browser's fresh subscription; a new endpoint of its own unless one is named."""
    endpoint = endpoint or f"{FCM}-{new_id(NOW_MS)}"
    key = ec.generate_private_key(ec.SECP256R1())
    return BrowserSubscription("b", endpoint, key, os.urandom(16)).as_json()


def twice(call: Call) -> Call:
    async def again(ctx: Ctx) -> httpx.Response:
        await call.run(ctx)
        return await call.run(ctx)

    return Call(again, call.without)


async def subscription_taken(ctx: Ctx) -> httpx.Response:
    """The user subscribes an endpoint the other account already holds."""
    endpoint = subscription()["endpoint"]
    await send(ctx.other, "POST", SUBSCRIPTIONS, subscription(endpoint))
    return await send(ctx.user, "POST", SUBSCRIPTIONS, subscription(endpoint))


def without_key(method: str, path: str, body: Body = None) -> Call:
    async def run(ctx: Ctx) -> httpx.Response:
        bare = make_app(make_settings(ctx.settings.database_url, ctx.tmp_path / "bare"))
        try:
            async with open_client(bare) as client:
                user = await sign_up(client, "bare@example.com")
                return await send(user, method, path, _body(body, ctx))
        finally:
            await bare.state.services.db.dispose()

    return Call(run)


def ops(*fields: tuple[str, Any]) -> Callable[[Ctx], dict[str, Any]]:
    def body(ctx: Ctx) -> dict[str, Any]:
        record = new_id(NOW_MS)
        made = [ctx.user.op("set", record, name, value, NOW_MS) for name, value in fields]
        return {"device_id": ctx.user.device_id, "schema": 1, "ops": made}

    return body


def pull(**fields: Any) -> Callable[[Ctx], dict[str, Any]]:
    return lambda ctx: {"device_id": ctx.user.device_id, **fields}


SIGNUP, LOGIN, LOGOUT = "/api/auth/signup", "/api/auth/login", "/api/auth/logout"
PASSWORD_CHANGE, EVERYWHERE = "/api/me/password", "/api/auth/logout-everywhere"
SUBSCRIPTIONS = "/api/push/subscriptions"


async def share_code(ctx: Ctx) -> str:
    """A fresh share code of the other account (acting as the clinician)."""
    response = await send(ctx.other, "POST", "/api/clinician/codes", {"name": "Dr Other"})
    return str(response.json()["code"])


def with_code(method: str, path: str, scope: str | None = "summary", who: str = "user") -> Call:
    async def run(ctx: Ctx) -> httpx.Response:
        body = {"code": await share_code(ctx)}
        if scope is not None:
            body["scope"] = scope
        actor = ctx.user if who == "user" else ctx.other
        return await send(actor, method, path, body)

    return Call(run)


def used_code(path: str) -> Call:
    async def run(ctx: Ctx) -> httpx.Response:
        body = {"code": await share_code(ctx), "scope": "summary"}
        await send(ctx.user, "POST", "/api/sharing/grants", body)
        again = body if path == "/api/sharing/grants" else {"code": body["code"]}
        return await send(ctx.user, "POST", path, again)

    return Call(run)


async def granted(ctx: Ctx) -> int:
    """The user grants the other account; the grant's id."""
    body = {"code": await share_code(ctx), "scope": "summary"}
    return int((await send(ctx.user, "POST", "/api/sharing/grants", body)).json()["id"])


def on_grant(method: str, body: Body = None, *, csrf: bool = True, who: str = "user") -> Call:
    async def run(ctx: Ctx) -> httpx.Response:
        grant_id = await granted(ctx)
        actor = ctx.user if who == "user" else ctx.anon
        path = f"/api/sharing/grants/{grant_id}"
        return await send(actor, method, path, _body(body, ctx), csrf=csrf)

    return Call(run, None if who == "user" and csrf else "csrf" if who == "user" else "session")


async def user_id(ctx: Ctx) -> int:
    return int((await ctx.user.client.get("/api/me")).json()["id"])


def patient_read(who: str = "other") -> Call:
    """The other account (the clinician) reads the user after the user granted it."""

    async def run(ctx: Ctx) -> httpx.Response:
        await granted(ctx)
        actor = {"other": ctx.other, "anon": ctx.anon, "user": ctx.user}[who]
        return await send(actor, "GET", f"/api/clinician/patients/{await user_id(ctx)}")

    return Call(run, "session" if who == "anon" else None)
