"""Throttling with the production defaults, on both engines, with a fake wall clock.

Sign-in and sign-up per client address and per email, device and push subscription
registration per address and per account (429 problem with Retry-After), the growing lock
after failed sign-ins for one email, the caps on devices and subscriptions (409), and
X-Forwarded-For believed only from a configured proxy.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from litestar import Litestar
from sqlalchemy import text

from backend.push.vapid import VapidKey
from backend.settings import Settings, load_settings
from tests.conftest import TEST_HOSTS, make_app, open_client
from tests.support.api import PASSWORD, User
from tests.support.fakes import FakeClock
from tests.support.push_receiver import BrowserSubscription

KEY = VapidKey.generate()
START_MS = 1_790_000_000_000
LOGIN = "/api/auth/login"
SIGNUP = "/api/auth/signup"
WRONG = "not the password"


def realistic(database_url: str, data_dir: Path, **overrides: object) -> Settings:
    """The defaults every deployment gets, only what a test server needs set."""
    values: dict[str, object] = {
        "database_url": database_url,
        "data_dir": data_dir,
        "allowed_hosts": TEST_HOSTS,
        "secret_key": "test-secret-key",
        "vapid_private_key": KEY.private_raw(),
        **overrides,
    }
    return load_settings({}, **values)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return realistic(database_url, tmp_path)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START_MS)


@pytest.fixture
def wall(clock: FakeClock) -> FakeClock:
    return clock


async def visitor(client: httpx.AsyncClient) -> User:
    await client.get("/api/me")  # the CSRF cookie
    return User(client, "")


async def log_in(user: User, email: str, password: str, **headers: str) -> httpx.Response:
    return await user.post(LOGIN, {"email": email, "password": password}, headers=headers)


async def sign_up(user: User, email: str, **headers: str) -> httpx.Response:
    return await user.post(SIGNUP, {"email": email, "password": PASSWORD}, headers=headers)


def throttled(response: httpx.Response, code: str = "too_many_requests") -> int:
    """Assert a 429 problem; its Retry-After in seconds."""
    assert response.status_code == 429, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == code
    assert response.json()["status"] == 429
    return int(response.headers["retry-after"])


async def security_log(user: User) -> list[dict[str, Any]]:
    response = await user.client.get("/api/me/security-log")
    assert response.status_code == 200, response.text
    events: list[dict[str, Any]] = response.json()["events"]
    return events


@pytest.fixture
async def anon(client: httpx.AsyncClient) -> User:
    return await visitor(client)


async def test_sign_ins_from_one_address_are_limited(anon: User, clock: FakeClock) -> None:
    # 30 per 15 minutes: a burst of 30 (other emails each, so no email lock plays a part)...
    for n in range(30):
        assert (await log_in(anon, f"guess{n}@example.com", WRONG)).status_code == 401
    # ...then one every 30 s.
    assert throttled(await log_in(anon, "guess30@example.com", WRONG)) == 30
    clock.now += 29_000
    assert throttled(await log_in(anon, "guess30@example.com", WRONG)) == 1
    clock.now += 1_000
    assert (await log_in(anon, "guess30@example.com", WRONG)).status_code == 401
    assert throttled(await log_in(anon, "guess31@example.com", WRONG)) == 30


async def test_wrong_passwords_lock_the_email_for_longer_each_time(
    anon: User, new_user: Any, clock: FakeClock
) -> None:
    owner: User = await new_user("ada@example.com")
    # Five free failures; the sixth locks the email for 1 s, the next for 2 s, then 4 s.
    for _ in range(6):
        assert (await log_in(anon, "ada@example.com", WRONG)).status_code == 401
    assert throttled(await log_in(anon, "ada@example.com", PASSWORD), "sign_in_locked") == 1
    clock.now += 1_000
    assert (await log_in(anon, "ada@example.com", WRONG)).status_code == 401
    assert throttled(await log_in(anon, "ada@example.com", PASSWORD), "sign_in_locked") == 2
    clock.now += 2_000
    assert (await log_in(anon, "ada@example.com", WRONG)).status_code == 401
    assert throttled(await log_in(anon, "ada@example.com", PASSWORD), "sign_in_locked") == 4
    clock.now += 4_000
    # The right password after the wait signs in and clears the count.
    assert (await log_in(anon, "ada@example.com", PASSWORD)).status_code == 200
    clock.now += 15 * 60_000  # the email's 10 attempts per 15 minutes are spent
    assert (await log_in(anon, "ada@example.com", WRONG)).status_code == 401
    assert (await log_in(anon, "ada@example.com", PASSWORD)).status_code == 200

    kinds = [event["kind"] for event in await security_log(owner)]
    assert kinds.count("sign_in_failed") == 9
    assert kinds.count("sign_in") == 2
    assert kinds.count("throttled") == 1  # logged once per ten minutes, not per refusal
    assert all(event["address"] == "127.0.0.1" for event in await security_log(owner))


async def test_guessing_the_current_password_locks_like_failed_sign_ins(
    new_user: Any, clock: FakeClock
) -> None:
    user: User = await new_user("di@example.com")
    body = {"current_password": WRONG, "new_password": "a much better passphrase"}
    for _ in range(6):
        assert (await user.post("/api/me/password", body)).status_code == 403
    right = body | {"current_password": PASSWORD}
    assert throttled(await user.post("/api/me/password", right), "sign_in_locked") == 1
    clock.now += 1_000
    assert (await user.post("/api/me/password", right)).status_code == 204


async def test_forty_fast_guesses_do_not_end_in_a_sign_in(
    anon: User, new_user: Any, clock: FakeClock
) -> None:
    await new_user("bo@example.com")
    answers = []
    for _ in range(40):
        answers.append((await log_in(anon, "bo@example.com", WRONG)).status_code)
        clock.now += 9_000 // 40
    assert answers.count(401) <= 10
    assert set(answers) == {401, 429}
    response = await log_in(anon, "bo@example.com", PASSWORD)
    assert response.status_code == 429
    assert "sidewise_session" not in response.cookies


async def test_one_email_is_limited_whichever_addresses_ask(
    database_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    app = make_app(realistic(database_url, tmp_path, trusted_proxies=("127.0.0.1",)), wall=clock)
    try:
        async with open_client(app) as client:
            anon = await visitor(client)
            # Ten attempts per 15 minutes per email, even from ten different addresses (and
            # the per-address bucket of each is far from full).
            for n in range(10):
                response = await log_in(anon, "cy@example.com", WRONG, **forwarded(n))
                assert response.status_code in (401, 429)
            response = await log_in(anon, "cy@example.com", WRONG, **forwarded(99))
            assert throttled(response, "sign_in_locked") >= 1
            clock.now += 15 * 60_000
            for n in range(10):
                response = await log_in(anon, f"other{n}@example.com", WRONG, **forwarded(n))
                assert response.status_code == 401
            response = await log_in(anon, "cy@example.com", WRONG, **forwarded(1))
            assert response.status_code == 401
    finally:
        await app.state.services.db.dispose()


def forwarded(n: int) -> dict[str, str]:
    """A client behind the trusted proxy on 127.0.0.1; the left entry is a client's forgery."""
    return {"x-forwarded-for": f"6.6.6.6, 203.0.113.{n}"}


async def test_forwarded_for_is_believed_only_from_a_configured_proxy(
    database_url: str, tmp_path: Path, clock: FakeClock
) -> None:
    trusting = make_app(
        realistic(database_url, tmp_path, trusted_proxies=("127.0.0.0/8",)), wall=clock
    )
    try:
        async with open_client(trusting) as client:
            anon = await visitor(client)
            for n in range(30):
                await log_in(anon, f"a{n}@example.com", WRONG, **forwarded(1))
            throttled(await log_in(anon, "a30@example.com", WRONG, **forwarded(1)))
            # Another client behind the same proxy has its own allowance.
            assert (await log_in(anon, "b@example.com", WRONG, **forwarded(2))).status_code == 401
            # A forged leftmost entry does not buy a new one.
            other = {"x-forwarded-for": "198.51.100.7, 203.0.113.1"}
            throttled(await log_in(anon, "c@example.com", WRONG, **other))
    finally:
        await trusting.state.services.db.dispose()


async def test_without_a_trusted_proxy_forwarded_for_is_ignored(anon: User) -> None:
    for n in range(30):
        await log_in(anon, f"a{n}@example.com", WRONG, **forwarded(n))
    throttled(await log_in(anon, "b@example.com", WRONG, **forwarded(77)))


async def test_sign_ups_from_one_address_are_limited(anon: User, clock: FakeClock) -> None:
    for n in range(10):
        await anon.client.post("/api/auth/logout", headers=anon.csrf)
        assert (await sign_up(anon, f"new{n}@example.com")).status_code == 201
    assert throttled(await sign_up(anon, "new10@example.com")) == 360  # 10 an hour
    clock.now += 360_000
    assert (await sign_up(anon, "new10@example.com")).status_code == 201


async def register(user: User) -> httpx.Response:
    return await user.post("/api/devices")


async def test_device_registrations_are_limited_per_account_and_address(
    new_user: Any,
) -> None:
    # Each sign-up here registers one device too.
    users: list[User] = [await new_user(f"d{n}@example.com") for n in range(4)]
    # 20 an hour per account...
    for _ in range(19):
        assert (await register(users[0])).status_code == 201
    assert throttled(await register(users[0])) == 180
    # ...and 60 an hour from one address, whichever accounts they are for.
    for user, more in ((users[1], 19), (users[2], 18)):
        for _ in range(more):
            assert (await register(user)).status_code == 201
    assert throttled(await register(users[3])) == 60
    assert ("throttled", "device") in [
        (e["kind"], e["detail"]) for e in await security_log(users[0])
    ]
    assert [e["kind"] for e in await security_log(users[3])] == ["throttled", "sign_up"]


async def test_an_account_holds_at_most_100_devices(
    app: Litestar, new_user: Any, clock: FakeClock
) -> None:
    user: User = await new_user("many@example.com")  # registers its first device
    for n in range(99):
        if n % 19 == 18:
            clock.now += 3_600_000  # stay within 20 registrations an hour
        assert (await register(user)).status_code == 201, n
    clock.now += 3_600_000
    response = await register(user)
    assert response.status_code == 409
    assert response.json()["code"] == "too_many_devices"
    async with app.state.services.db.read() as conn:
        held = (await conn.execute(text("SELECT count(*) FROM device"))).scalar_one()
    assert held == 100


def browser() -> BrowserSubscription:
    return BrowserSubscription(
        "b",
        f"https://fcm.googleapis.com/fcm/send/{os.urandom(6).hex()}",
        ec.generate_private_key(ec.SECP256R1()),
        os.urandom(16),
    )


async def test_an_account_holds_at_most_20_subscriptions(new_user: Any, clock: FakeClock) -> None:
    user: User = await new_user("bell@example.com")
    kept = browser()
    for n in range(20):
        clock.now += 180_000  # one registration per 3 minutes is within 20 an hour
        body = (kept if n == 0 else browser()).as_json()
        assert (await user.post("/api/push/subscriptions", body)).status_code == 201, n
    clock.now += 180_000
    response = await user.post("/api/push/subscriptions", browser().as_json())
    assert response.status_code == 409
    assert response.json()["code"] == "too_many_subscriptions"
    # Renewing one already held is not a new one.
    clock.now += 180_000
    assert (await user.post("/api/push/subscriptions", kept.as_json())).status_code == 200


async def test_subscription_registrations_are_limited(new_user: Any, clock: FakeClock) -> None:
    user: User = await new_user("ring@example.com")  # its device took one registration
    for _ in range(19):
        assert (await user.post("/api/push/subscriptions", browser().as_json())).status_code == 201
    response = await user.post("/api/push/subscriptions", browser().as_json())
    assert throttled(response) == 180
    assert ("throttled", "subscription") in [
        (e["kind"], e["detail"]) for e in await security_log(user)
    ]
