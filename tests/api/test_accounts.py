"""Accounts: sign-up, sign-in with session rotation, sessions that survive a restart, CSRF."""

from __future__ import annotations

from pathlib import Path

from backend.settings import Settings
from tests.conftest import make_app, open_client
from tests.support.api import PASSWORD, User, sign_up


async def test_signup_signs_in_and_me_answers(new_user) -> None:
    user: User = await new_user("Ada@Example.com ")
    response = await user.client.get("/api/me")
    assert response.status_code == 200
    assert response.json()["email"] == "ada@example.com"
    assert len(user.device_id) == 16
    assert int(user.device_id, 16) >= 0


async def test_me_without_session_is_401_problem(client) -> None:
    response = await client.get("/api/me")
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "not_authenticated"


async def test_duplicate_email_is_409(new_user, client) -> None:
    await new_user("bo@example.com")
    await client.get("/api/me")
    response = await client.post(
        "/api/auth/signup",
        json={"email": "BO@example.com", "password": PASSWORD},
        headers={"x-csrftoken": client.cookies["csrftoken"]},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "email_taken"


async def test_login_rotates_session_id_and_old_cookie_stops_working(new_user) -> None:
    user: User = await new_user("cy@example.com")
    before = user.client.cookies["sidewise_session"]
    response = await user.post("/api/auth/login", {"email": "cy@example.com", "password": PASSWORD})
    assert response.status_code == 200
    after = user.client.cookies["sidewise_session"]
    assert after != before
    user.client.cookies.set("sidewise_session", before)
    assert (await user.client.get("/api/me")).status_code == 401


async def test_wrong_password_and_unknown_email_look_the_same(new_user) -> None:
    user: User = await new_user("di@example.com")
    await user.post("/api/auth/logout")
    wrong = await user.post("/api/auth/login", {"email": "di@example.com", "password": "nope-nope"})
    unknown = await user.post(
        "/api/auth/login", {"email": "x@example.com", "password": "nope-nope"}
    )
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_logout_ends_session(new_user) -> None:
    user: User = await new_user("ed@example.com")
    token = user.client.cookies["sidewise_session"]
    assert (await user.post("/api/auth/logout")).status_code == 204
    user.client.cookies.set("sidewise_session", token)
    assert (await user.client.get("/api/me")).status_code == 401


async def test_state_change_without_csrf_header_is_refused(new_user) -> None:
    user: User = await new_user("fa@example.com")
    response = await user.client.post("/api/devices")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"


async def test_session_survives_restart(settings: Settings, tmp_path: Path) -> None:
    first_app, second_app = make_app(settings), make_app(settings)
    async with open_client(first_app) as first:
        await sign_up(first, "gu@example.com")
        cookies = dict(first.cookies)
    await first_app.state.services.db.dispose()
    async with open_client(second_app) as second:
        second.cookies.update(cookies)
        response = await second.get("/api/me")
    await second_app.state.services.db.dispose()
    assert response.status_code == 200
    assert response.json()["email"] == "gu@example.com"


async def test_bad_signup_input_is_422(client) -> None:
    await client.get("/api/me")
    headers = {"x-csrftoken": client.cookies["csrftoken"]}
    for body, code in [
        ({"email": "not-an-email", "password": PASSWORD}, "invalid_email"),
        ({"email": "ok@example.com", "password": "short"}, "invalid_password"),
    ]:
        response = await client.post("/api/auth/signup", json=body, headers=headers)
        assert response.status_code == 422, response.text
        assert response.json()["code"] == code
