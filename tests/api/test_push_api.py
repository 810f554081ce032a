"""The push API over HTTP: the VAPID key, subscriptions (the guard's every refusal is a clear
4xx that stores nothing; one endpoint, one owner) and quiet hours."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from litestar import Litestar

from backend.push.vapid import VapidKey
from backend.settings import Settings
from tests.conftest import make_app, make_settings, open_client
from tests.support.api import PASSWORD, User, sign_up, snapshot
from tests.support.fakes import FakeClock
from tests.support.push_receiver import BrowserSubscription, b64url

KEY = VapidKey.generate()
SUBSCRIPTIONS = "/api/push/subscriptions"
FCM = "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bHun4MxP5egoKMwt2KZFBaFUH"
TABLES = ("push_subscription",)


def browser(endpoint: str = FCM) -> BrowserSubscription:
    """A subscription as a browser makes one: its endpoint and fresh keys."""
    return BrowserSubscription(
        "b", endpoint, ec.generate_private_key(ec.SECP256R1()), os.urandom(16)
    )


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(
        database_url, tmp_path, vapid_private_key=KEY.private_raw(), push_allow_loopback=True
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(1_790_000_000_000)


@pytest.fixture
def wall(clock: FakeClock) -> FakeClock:
    return clock


@pytest.fixture
async def user(new_user: Callable[[str], Awaitable[User]]) -> User:
    return await new_user("lifter@example.com")


async def stored(app: Litestar) -> list[dict[str, Any]]:
    return (await snapshot(app, TABLES))["push_subscription"]


async def test_the_public_key_is_the_servers(client: Any) -> None:
    response = await client.get("/api/push/vapid-public-key")
    assert response.status_code == 200
    assert response.json() == {"public_key": KEY.public_key, "key_id": KEY.key_id}


async def test_without_a_key_push_is_unavailable(database_url: str, tmp_path: Path) -> None:
    application = make_app(make_settings(database_url, tmp_path))  # nothing in the data dir
    try:
        async with open_client(application) as client:
            response = await client.get("/api/push/vapid-public-key")
            assert response.status_code == 503
            assert response.json()["code"] == "push_unavailable"
            user = await sign_up(client, "nokey@example.com")
            response = await user.post(SUBSCRIPTIONS, browser().as_json())
            assert (response.status_code, response.json()["code"]) == (503, "push_unavailable")
    finally:
        await application.state.services.db.dispose()


async def test_subscribe_then_again_then_another_then_unsubscribe(
    app: Litestar, user: User
) -> None:
    phone = browser()
    response = await user.post(SUBSCRIPTIONS, phone.as_json() | {"device_id": user.device_id})
    assert response.status_code == 201
    first = response.json()
    assert first == {"id": first["id"], "key_id": KEY.key_id}
    again = await user.post(SUBSCRIPTIONS, phone.as_json())
    assert (again.status_code, again.json()) == (200, first)
    laptop = browser("https://updates.push.services.mozilla.com/wpush/v2/gAAAAABn")
    assert (await user.post(SUBSCRIPTIONS, laptop.as_json())).status_code == 201
    rows = sorted(await stored(app), key=lambda r: r["id"])
    assert [(r["endpoint"], r["key_id"], r["device_id"]) for r in rows] == [
        (phone.endpoint, KEY.key_id, user.device_id),
        (laptop.endpoint, KEY.key_id, None),
    ]

    gone = await user.client.request(
        "DELETE", SUBSCRIPTIONS, json={"endpoint": phone.endpoint}, headers=user.csrf
    )
    assert gone.status_code == 204
    assert [r["endpoint"] for r in await stored(app)] == [laptop.endpoint]


async def test_subscribing_needs_a_session_and_the_csrf_header(app: Litestar) -> None:
    async with open_client(app) as client:
        await client.get("/api/me")
        csrf = {"x-csrftoken": client.cookies.get("csrftoken") or ""}
        response = await client.post(SUBSCRIPTIONS, json=browser().as_json(), headers=csrf)
        assert response.status_code == 401
        user = await sign_up(client, "csrf@example.com")
        response = await user.client.post(SUBSCRIPTIONS, json=browser().as_json())
        assert (response.status_code, response.json()["code"]) == (403, "csrf_failed")
    assert await stored(app) == []


def _with_keys(**keys: str) -> dict[str, Any]:
    sub = browser().as_json()
    return sub | {"keys": sub["keys"] | keys}


GUARD_ROWS = [
    ({"endpoint": "https://fcm.googleapis.com/" + "a" * 990}, "endpoint_too_long"),
    ({"endpoint": "https://fcm.googleapis.com/fcm send"}, "endpoint_malformed"),
    ({"endpoint": "fcm.googleapis.com/fcm/send/x"}, "endpoint_malformed"),
    ({"endpoint": "https://fcm.googleapis.com:99999/x"}, "endpoint_malformed"),
    ({"endpoint": "http://fcm.googleapis.com/fcm/send/x"}, "endpoint_not_https"),
    ({"endpoint": "https://me:pw@fcm.googleapis.com/fcm/send/x"}, "endpoint_userinfo"),
    ({"endpoint": "https://fcm.googleapis.com:8443/fcm/send/x"}, "endpoint_port"),
    ({"endpoint": "https://push.evil.example/x"}, "endpoint_host"),
    ({"endpoint": "https://10.0.0.7/push/x"}, "endpoint_host"),
    ({"endpoint": "http://192.168.1.1:8080/push/x"}, "endpoint_not_https"),
    (_with_keys(p256dh="BAAA"), "key_p256dh"),
    (_with_keys(p256dh=b64url(b"\x04" + b"\x01" * 64)), "key_p256dh"),  # not on the curve
    (_with_keys(auth=b64url(os.urandom(8))), "key_auth"),
    (_with_keys(auth="not base64!"), "key_auth"),
]


@pytest.mark.parametrize(("change", "code"), GUARD_ROWS, ids=[c for _, c in GUARD_ROWS])
async def test_every_guard_refusal_is_a_422_that_stores_nothing(
    app: Litestar, user: User, change: dict[str, Any], code: str
) -> None:
    response = await user.post(SUBSCRIPTIONS, browser().as_json() | change)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert (problem["code"], response.headers["content-type"]) == (
        code,
        "application/problem+json",
    )
    assert problem["detail"]
    assert await stored(app) == []


BAD_BODIES = [
    {"endpoint": FCM},
    {"endpoint": FCM, "keys": {"p256dh": "x"}},
    {"endpoint": 7, "keys": {"p256dh": "x", "auth": "y"}},
    browser().as_json() | {"surprise": 1},
    browser().as_json() | {"expirationTime": 2**60},
    browser().as_json() | {"expirationTime": "tomorrow"},
    browser().as_json() | {"device_id": "not-a-node-id"},
]


@pytest.mark.parametrize("bad", BAD_BODIES)
async def test_malformed_bodies_are_400(app: Litestar, user: User, bad: dict[str, Any]) -> None:
    response = await user.post(SUBSCRIPTIONS, bad)
    assert (response.status_code, response.json()["code"]) == (400, "malformed")
    assert await stored(app) == []


async def test_a_device_of_another_account_is_refused(
    app: Litestar, user: User, new_user: Callable[[str], Awaitable[User]]
) -> None:
    other = await new_user("other@example.com")
    response = await user.post(SUBSCRIPTIONS, browser().as_json() | {"device_id": other.device_id})
    assert (response.status_code, response.json()["code"]) == (403, "unknown_device")
    assert await stored(app) == []


async def test_only_your_own_subscription_can_be_deleted(
    app: Litestar, user: User, new_user: Callable[[str], Awaitable[User]]
) -> None:
    sub = browser()
    assert (await user.post(SUBSCRIPTIONS, sub.as_json())).status_code == 201
    other = await new_user("other@example.com")
    response = await other.client.request(
        "DELETE", SUBSCRIPTIONS, json={"endpoint": sub.endpoint}, headers=other.csrf
    )
    assert response.status_code == 204  # nothing says whether it exists
    assert [r["endpoint"] for r in await stored(app)] == [sub.endpoint]


async def test_an_endpoint_is_stored_as_the_guard_rebuilt_it(
    app: Litestar, user: User, new_user: Callable[[str], Awaitable[User]]
) -> None:
    """Another spelling of the same URL is the same endpoint: one row, one owner."""
    loose = FCM.replace("https://fcm.", "HTTPS://FCM.").replace(".com/", ".com:443/")
    assert (await user.post(SUBSCRIPTIONS, browser(loose).as_json())).status_code == 201
    assert [r["endpoint"] for r in await stored(app)] == [FCM]
    other = await new_user("other@example.com")
    response = await other.post(SUBSCRIPTIONS, browser(FCM).as_json())
    assert (response.status_code, response.json()["code"]) == (409, "subscription_taken")
    response = await user.client.request(
        "DELETE", SUBSCRIPTIONS, json={"endpoint": loose}, headers=user.csrf
    )
    assert response.status_code == 204
    assert await stored(app) == []


async def log_in(app: Litestar, email: str) -> tuple[Any, User]:
    """Sign in on a browser of its own; the caller closes the client."""
    context = open_client(app)
    client = await context.__aenter__()
    await client.get("/api/me")
    user = User(client, email)
    response = await user.post("/api/auth/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 200
    return context, user


async def test_the_newest_sign_in_on_a_browser_owns_its_subscription(
    app: Litestar, clock: FakeClock, new_user: Callable[[str], Awaitable[User]]
) -> None:
    ana = await new_user("ana@example.com")
    clock.now += 1_000
    ben = await new_user("ben@example.com")  # signed in before Ana registers
    clock.now += 1_000
    shared = browser()
    first = (await ana.post(SUBSCRIPTIONS, shared.as_json())).json()

    # Ben's older sign-in, or anyone holding only the endpoint, cannot take it.
    response = await ben.post(SUBSCRIPTIONS, shared.as_json())
    assert (response.status_code, response.json()["code"]) == (409, "subscription_taken")
    clock.now += 1_000
    context, ben_again = await log_in(app, "ben@example.com")
    try:
        forged = browser(shared.endpoint).as_json()  # same endpoint, other keys
        response = await ben_again.post(SUBSCRIPTIONS, forged)
        assert (response.status_code, response.json()["code"]) == (409, "subscription_taken")
        [row] = await stored(app)
        assert (row["id"], row["p256dh"]) == (first["id"], shared.p256dh)

        # Ben signing in on that browser after Ana registered it, with its keys: it moves.
        response = await ben_again.post(SUBSCRIPTIONS, shared.as_json())
        assert response.status_code == 201
        moved = response.json()
        assert moved["id"] != first["id"]
        [row] = await stored(app)
        ben_id = (await ben_again.client.get("/api/me")).json()["id"]
        assert (row["id"], row["account_id"]) == (moved["id"], ben_id)
        # Ana's session is older than Ben's registration now.
        response = await ana.post(SUBSCRIPTIONS, shared.as_json())
        assert response.status_code == 409
    finally:
        await context.__aexit__(None, None, None)


async def test_quiet_hours_round_trip(app: Litestar, user: User) -> None:
    path = "/api/me/quiet-hours"
    assert (await user.client.get(path)).json() == {"start": None, "end": None}
    response = await user.client.put(
        path, json={"start": "22:00", "end": "07:00"}, headers=user.csrf
    )
    assert (response.status_code, response.json()) == (200, {"start": "22:00", "end": "07:00"})
    assert (await user.client.get(path)).json() == {"start": "22:00", "end": "07:00"}
    response = await user.client.put(path, json={"start": None, "end": None}, headers=user.csrf)
    assert response.status_code == 200
    assert (await user.client.get(path)).json() == {"start": None, "end": None}


@pytest.mark.parametrize(
    ("bad", "status", "code"),
    [
        ({"start": "22:00", "end": "22:00"}, 422, "invalid_quiet_hours"),
        ({"start": "24:00", "end": "07:00"}, 422, "invalid_quiet_hours"),
        ({"start": "7:00", "end": "08:00"}, 422, "invalid_quiet_hours"),
        ({"start": "22:00", "end": None}, 422, "invalid_quiet_hours"),
        ({"start": "22:00"}, 400, "malformed"),
        ({"start": 22, "end": 7}, 400, "malformed"),
        ({"start": None, "end": None, "tz": "UTC"}, 400, "malformed"),
    ],
)
async def test_bad_quiet_hours_are_refused_and_change_nothing(
    app: Litestar, user: User, bad: dict[str, Any], status: int, code: str
) -> None:
    path = "/api/me/quiet-hours"
    await user.client.put(path, json={"start": "21:00", "end": "06:00"}, headers=user.csrf)
    response = await user.client.put(path, json=bad, headers=user.csrf)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert (await user.client.get(path)).json() == {"start": "21:00", "end": "06:00"}


NASTY = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'{"endpoint": "\xff\xfe"}',
    b'{"endpoint": ' + b"[" * 3000 + b"]" * 3000 + b"}",
    b'{"endpoint": NaN}',
    b'{"endpoint": "https://fcm.googleapis.com/\\u0000", "keys": {"p256dh": "a", "auth": "b"}}',
    b'{"endpoint": "' + b"x" * 60_000 + b'", "keys": {"p256dh": "a", "auth": "b"}}',
    b'{"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "\\u0000", "auth": "b"}}',
    b'{"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "a", "auth": "b"}, '
    b'"expirationTime": 1e400}',
    b'{"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "a", "auth": "b"}, '
    b'"expirationTime": 18446744073709551616}',
    b'{"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "a", "auth": "b"}, '
    b'"device_id": "\\u0000"}',
    b'{"start": "\\u0000", "end": "07:00"}',
    b'{"start": "22:00", "end": "' + b"9" * 50_000 + b'"}',
    b'{"start": 1e400, "end": null}',
]


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", SUBSCRIPTIONS), ("DELETE", SUBSCRIPTIONS), ("PUT", "/api/me/quiet-hours")],
)
async def test_raw_garbage_is_a_4xx_problem_and_changes_nothing(
    app: Litestar, user: User, method: str, path: str
) -> None:
    mine = browser()
    assert (await user.post(SUBSCRIPTIONS, mine.as_json())).status_code == 201
    before = await stored(app)
    headers = {**user.csrf, "content-type": "application/json"}
    for raw in NASTY:
        response = await user.client.request(method, path, content=raw, headers=headers)
        assert 400 <= response.status_code < 500, (raw[:80], response.text)
        assert response.headers["content-type"] == "application/problem+json"
    assert await stored(app) == before
    quiet = await user.client.get("/api/me/quiet-hours")
    assert quiet.json() == {"start": None, "end": None}
