"""The sync lane answers a push or pull that is in order exactly as the route does (status,
headers, body), errors included; every other request goes, body and all, to the route, which
answers it as it would without the lane. A request the route would refuse is never served."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import msgspec
import pytest
from litestar import Litestar
from litestar.middleware.csrf import generate_csrf_token
from litestar.types import Receive, Scope, Send

from backend.services.accounts import token_hash
from tests.support.api import User

Route = Callable[[Receive], Awaitable[None]]
SESSION = "sidewise_session"


class Watched:
    """The app's lane, counting the requests it hands to the route."""

    def __init__(self, lane: Any) -> None:
        self.lane = lane
        self.routed = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send, route: Route) -> None:
        async def counted(body: Receive) -> None:
            self.routed += 1
            await route(body)

        await self.lane(scope, receive, send, counted)


@pytest.fixture
def lane(app: Litestar) -> Watched:
    watched = Watched(app.lane)  # type: ignore[attr-defined]
    app.lane = watched  # type: ignore[attr-defined]
    return watched


async def via_lane(user: User, path: str, body: bytes) -> httpx.Response:
    return await user.post_raw(path, body)


async def via_route(user: User, path: str, body: bytes) -> httpx.Response:
    """The same request with a chunked body, which the lane leaves to the route."""

    async def chunks() -> AsyncIterator[bytes]:
        yield body

    headers = {**user.csrf, "content-type": "application/json"}
    return await user.client.post(path, content=chunks(), headers=headers)


def shown(response: httpx.Response) -> tuple[int, dict[str, str], Any]:
    """Status, headers and body, without what differs between two answers to the same request
    (the length, and the server's clock in a push's answer)."""
    headers = {k: v for k, v in response.headers.items() if k != "content-length"}
    body = response.json()
    if isinstance(body, dict):
        body.pop("server_hlc", None)
        body.pop("server_time_ms", None)
    return response.status_code, headers, body


async def same_both_ways(user: User, lane: Watched, path: str, body: Any) -> httpx.Response:
    raw = msgspec.json.encode(body)
    served = await via_lane(user, path, raw)
    assert lane.routed == 0, "the lane handed an in-order request to the route"
    routed = await via_route(user, path, raw)
    assert lane.routed == 1
    lane.routed = 0
    assert shown(served) == shown(routed)
    return served


def push_body(user: User, ops: list[dict[str, Any]], **fields: Any) -> dict[str, Any]:
    return {"device_id": user.device_id, "schema": 1, "ops": ops, **fields}


async def pushed_set(user: User, lane: Watched, record_id: str) -> list[dict[str, Any]]:
    """A set's three ops, pushed through the lane and applied."""
    now = int(time.time() * 1000)
    values = [("exercise", "single-arm-db-row"), ("side", "left"), ("reps", 8)]
    ops = [user.op("set", record_id, field, value, now) for field, value in values]
    first = await via_lane(user, "/api/sync/push", msgspec.json.encode(push_body(user, ops)))
    assert first.status_code == 200, first.text
    assert [r["status"] for r in first.json()["results"]] == ["applied"] * 3
    assert lane.routed == 0
    return ops


async def test_a_push_and_a_pull_are_answered_as_the_route_answers(
    new_user: Callable[[str], Awaitable[User]], lane: Watched
) -> None:
    user = await new_user("lane@example.com")
    ops = await pushed_set(user, lane, "0190a000-0000-7000-8000-000000000001")
    # Sent again, every op is a duplicate, whichever way it comes.
    again = await same_both_ways(user, lane, "/api/sync/push", push_body(user, ops))
    assert [r["status"] for r in again.json()["results"]] == ["duplicate"] * 3

    pulled = await same_both_ways(
        user, lane, "/api/sync/pull", {"device_id": user.device_id, "limit": 2}
    )
    assert pulled.json()["has_more"] is True


async def test_rejected_ops_and_errors_are_answered_as_the_route_answers(
    app: Litestar, new_user: Callable[[str], Awaitable[User]], lane: Watched
) -> None:
    user = await new_user("lane@example.com")
    ops = await pushed_set(user, lane, "0190a000-0000-7000-8000-000000000002")
    ops[1] = {**ops[1], "hlc": ops[1]["hlc"][:-16] + "0" * 16}  # another device's stamp
    rejected = await same_both_ways(user, lane, "/api/sync/push", push_body(user, ops))
    assert (rejected.status_code, rejected.json()["code"]) == (422, "ops_rejected")
    statuses = [r["status"] for r in rejected.json()["results"]]
    assert statuses == ["duplicate", "rejected", "duplicate"]

    schema = await same_both_ways(user, lane, "/api/sync/push", push_body(user, [], schema=9))
    assert (schema.status_code, schema.json()["code"]) == (422, "unsupported_schema")

    async def broken(*_: Any) -> None:
        raise RuntimeError("a fault nobody expected")

    app.state.services.push.push = broken
    fault = await same_both_ways(user, lane, "/api/sync/push", push_body(user, ops))
    assert (fault.status_code, fault.json()["code"]) == (500, "internal")


async def test_what_is_not_plainly_in_order_goes_to_the_route(
    app: Litestar,
    new_user: Callable[[str], Awaitable[User]],
    client: httpx.AsyncClient,
    lane: Watched,
) -> None:
    user = await new_user("lane@example.com")
    pull = msgspec.json.encode({"device_id": user.device_id})
    session = user.client.cookies[SESSION]
    csrf = user.client.cookies["csrftoken"]
    forged = "f" * 128
    signed_elsewhere = generate_csrf_token(app.csrf_config.secret)  # type: ignore[union-attr]
    cookie = f"csrftoken={csrf}; {SESSION}={session}"
    sent = {"content-type": "application/json", "x-csrftoken": csrf, "cookie": cookie}
    cases: list[tuple[str, dict[str, str], bytes, int, int]] = [
        ("in order", {}, pull, 200, 0),
        ("no CSRF header", {"x-csrftoken": ""}, pull, 403, 1),
        ("a CSRF header unlike the cookie", {"x-csrftoken": signed_elsewhere}, pull, 403, 1),
        (
            "a forged CSRF pair",
            {"x-csrftoken": forged, "cookie": f"csrftoken={forged}; {SESSION}={session}"},
            pull,
            403,
            1,
        ),
        ("no session", {"cookie": f"csrftoken={csrf}"}, pull, 401, 1),
        ("the session cookie twice", {"cookie": f"{cookie}; {SESSION}=x"}, pull, 401, 1),
        ("not JSON", {"content-type": "text/plain"}, pull, 415, 1),
        ("a body that is not a pull", {}, b'{"device_id": 7}', 400, 1),
        ("a body over the limit", {}, b" " * (256 * 1024 + 1), 413, 1),
    ]
    for name, changed, body, status, routed in cases:
        headers = {k: v for k, v in {**sent, **changed}.items() if v}
        response = await client.post("/api/sync/pull", content=body, headers=headers)
        assert (name, response.status_code) == (name, status), response.text
        assert (name, lane.routed) == (name, routed)
        lane.routed = 0

    # A session this process has not seen yet (opened through another) is looked up; a session
    # that has ended is the route's to refuse.
    app.state.services.accounts.cache.forget_token(token_hash(session))
    response = await client.post("/api/sync/pull", content=pull, headers=sent)
    assert (response.status_code, lane.routed) == (200, 0), response.text
    assert (await user.post("/api/auth/logout")).status_code == 204
    response = await client.post("/api/sync/pull", content=pull, headers=sent)
    assert (response.status_code, lane.routed) == (401, 1), response.text
