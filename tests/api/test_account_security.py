"""Sessions and the account: changing the password ends the other sessions, signing out
everywhere ends them all, the CSRF token changes at sign-in, authenticated answers are never
cached, and the account's security log tells what happened."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar import Litestar

from backend.push.vapid import VapidKey
from backend.settings import Settings
from tests.api.test_throttling import browser
from tests.conftest import make_settings, open_client
from tests.support.api import PASSWORD, User, snapshot

NEW_PASSWORD = "a much better passphrase"
KEY = VapidKey.generate()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path, vapid_private_key=KEY.private_raw())


@pytest.fixture
async def sign_in_elsewhere(app: Litestar) -> AsyncIterator[Callable[[str], Awaitable[User]]]:
    """Factory: the same account signed in on another browser (its own cookies)."""
    async with AsyncExitStack() as stack:

        async def make(email: str) -> User:
            client = await stack.enter_async_context(open_client(app))
            await client.get("/api/me")
            user = User(client, email)
            response = await user.post("/api/auth/login", {"email": email, "password": PASSWORD})
            assert response.status_code == 200, response.text
            return user

        yield make


async def change(user: User, current: str, new: str) -> httpx.Response:
    body = {"current_password": current, "new_password": new}
    return await user.post("/api/me/password", body)


async def kinds(user: User) -> list[str]:
    response = await user.client.get("/api/me/security-log")
    assert response.status_code == 200, response.text
    return [event["kind"] for event in response.json()["events"]]


async def test_changing_the_password_signs_out_every_other_session(
    new_user: Any, sign_in_elsewhere: Any
) -> None:
    phone: User = await new_user("ada@example.com")
    tablet = await sign_in_elsewhere("ada@example.com")
    laptop = await sign_in_elsewhere("ada@example.com")
    response = await change(phone, PASSWORD, NEW_PASSWORD)
    assert response.status_code == 204, response.text
    assert (await phone.client.get("/api/me")).status_code == 200
    for other in (tablet, laptop):
        assert (await other.client.get("/api/me")).status_code == 401
    # Only the new password signs in now.
    wrong = await tablet.post("/api/auth/login", {"email": "ada@example.com", "password": PASSWORD})
    assert wrong.status_code == 401
    right = await tablet.post(
        "/api/auth/login", {"email": "ada@example.com", "password": NEW_PASSWORD}
    )
    assert right.status_code == 200
    log = (await phone.client.get("/api/me/security-log")).json()["events"]
    changed = [event for event in log if event["kind"] == "password_changed"]
    assert [(e["detail"], e["address"]) for e in changed] == [("2", "127.0.0.1")]
    assert await kinds(phone) == [
        "sign_in",
        "sign_in_failed",
        "password_changed",
        "sign_in",
        "sign_in",
        "sign_up",
    ]


@pytest.mark.parametrize(
    ("current", "new", "status", "code"),
    [
        ("wrong password!", NEW_PASSWORD, 403, "wrong_password"),
        (PASSWORD, "short", 422, "invalid_password"),
        (PASSWORD, "ada@example.com", 422, "invalid_password"),
        (PASSWORD, PASSWORD, 422, "password_unchanged"),
    ],
)
async def test_a_refused_password_change_changes_nothing(
    app: Litestar,
    new_user: Any,
    sign_in_elsewhere: Any,
    current: str,
    new: str,
    status: int,
    code: str,
) -> None:
    user: User = await new_user("ada@example.com")
    other = await sign_in_elsewhere("ada@example.com")
    tables = ("account", "web_session")
    before = await snapshot(app, tables)
    response = await change(user, current, new)
    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert await snapshot(app, tables) == before
    assert (await other.client.get("/api/me")).status_code == 200
    if code == "wrong_password":
        assert (await kinds(user))[0] == "sign_in_failed"


async def test_sign_out_everywhere_ends_every_session_and_subscription(
    app: Litestar, new_user: Any, sign_in_elsewhere: Any
) -> None:
    phone: User = await new_user("cy@example.com")
    tablet = await sign_in_elsewhere("cy@example.com")
    for user in (phone, tablet):
        response = await user.post("/api/push/subscriptions", browser().as_json())
        assert response.status_code == 201, response.text
    other: User = await new_user("keeps@example.com")
    assert (await other.post("/api/push/subscriptions", browser().as_json())).status_code == 201
    response = await phone.post("/api/auth/logout-everywhere")
    assert response.status_code == 204
    assert (await phone.client.get("/api/me")).status_code == 401
    assert (await tablet.client.get("/api/me")).status_code == 401
    held = (await snapshot(app, ("push_subscription",)))["push_subscription"]
    assert [row["account_id"] for row in held] == [(await other.client.get("/api/me")).json()["id"]]
    again = await tablet.post("/api/auth/login", {"email": "cy@example.com", "password": PASSWORD})
    assert again.status_code == 200
    assert (await kinds(tablet))[:2] == ["sign_in", "signed_out_everywhere"]


async def test_sign_in_rotates_the_csrf_token(app: Litestar, client: httpx.AsyncClient) -> None:
    await client.get("/api/me")
    user = User(client, "di@example.com")
    seen = client.cookies["csrftoken"]
    response = await user.post("/api/auth/signup", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 201
    after_signup = client.cookies["csrftoken"]
    assert after_signup != seen
    # The new token works; the one from before signing up no longer matches the cookie.
    assert (await user.post("/api/devices")).status_code == 201
    stale = await client.post("/api/devices", headers={"x-csrftoken": seen})
    assert (stale.status_code, stale.json()["code"]) == (403, "csrf_failed")
    response = await user.post("/api/auth/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 200
    assert client.cookies["csrftoken"] not in (seen, after_signup)
    assert (await user.post("/api/devices")).status_code == 201


async def test_authenticated_answers_are_never_stored(
    new_user: Any, client: httpx.AsyncClient
) -> None:
    user: User = await new_user("eve@example.com")
    answers = [
        await user.client.get("/api/me"),
        await user.client.get("/api/me/security-log"),
        await user.client.get("/api/me/quiet-hours"),
        await user.post("/api/devices"),
        await user.pull(),
        await client.get("/api/me"),  # a 401 problem too
    ]
    for response in answers:
        assert response.headers["cache-control"] == "no-store", response.request.url
    # The public catalogue keeps its own caching, and pages are not touched.
    assert (await client.get("/api/catalogue")).headers.get("cache-control") != "no-store"
    assert (await client.get("/")).headers["cache-control"] != "no-store"


async def test_the_security_log_is_the_accounts_own(new_user: Any) -> None:
    ada: User = await new_user("ada@example.com")
    bo: User = await new_user("bo@example.com")
    await bo.post("/api/auth/login", {"email": "ada@example.com", "password": "wrong guess!"})
    assert await kinds(ada) == ["sign_in_failed", "sign_up"]
    assert await kinds(bo) == ["sign_up"]


async def test_the_security_log_needs_a_session(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/me/security-log")
    assert response.status_code == 401
