"""HTTP-level behaviour shared by every endpoint: hosts, headers, problem shape, OpenAPI."""

from __future__ import annotations

import httpx
import pytest
from litestar import Litestar
from sqlalchemy import text

from backend.db.schema import head_revision


async def test_configured_host_headers_are_answered(client) -> None:
    """The refusals are rows of the bad-input table; these are the names that must pass."""
    for host in ("testserver.local", "127.0.0.1:8000", "LOCALHOST"):
        assert (await client.get("/healthz", headers={"host": host})).status_code == 200, host


async def test_security_headers(client) -> None:
    page, worker = await client.get("/"), await client.get("/sw.js")
    assert page.headers["content-security-policy"] == worker.headers["content-security-policy"]
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    problem = await client.get("/api/me")  # a 401 problem, answered by the error handler
    assert problem.status_code == 401
    for response in (page, worker, await client.get("/healthz"), problem):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "same-origin"


# Every API path with the methods it has (the 405 rows of the bad-input table check the rest).
ALLOW = {
    "/api/auth/signup": "OPTIONS, POST",
    "/api/auth/login": "OPTIONS, POST",
    "/api/auth/logout": "OPTIONS, POST",
    "/api/me": "DELETE, GET, OPTIONS",
    "/api/me/time-zone": "OPTIONS, PUT",
    "/api/me/quiet-hours": "GET, OPTIONS, PUT",
    "/api/catalogue": "GET, OPTIONS",
    "/api/charts/single-arm-db-row": "GET, OPTIONS",
    "/api/devices": "OPTIONS, POST",
    "/api/sync/push": "OPTIONS, POST",
    "/api/sync/pull": "OPTIONS, POST",
    "/api/push/vapid-public-key": "GET, OPTIONS",
    "/api/push/subscriptions": "DELETE, OPTIONS, POST",
    "/healthz": "GET, OPTIONS",
    "/": "GET, OPTIONS",
}


@pytest.mark.parametrize(("path", "allow"), ALLOW.items())
async def test_options_lists_every_method_of_the_path(client, path: str, allow: str) -> None:
    response = await client.options(path)
    assert response.status_code == 204
    assert response.headers["allow"] == allow


async def test_options_on_an_unknown_path_is_a_404_problem(client) -> None:
    response = await client.options("/api/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_json_with_a_utf8_charset_and_bodiless_posts_are_accepted(new_user) -> None:
    """Positive controls next to the 415 rows: a charset parameter naming UTF-8 is JSON, and
    a POST without a body needs no Content-Type."""
    user = await new_user("media@example.com")
    response = await user.client.post(
        "/api/sync/push",
        content=b'{"device_id":"%s","schema":1,"ops":[]}' % user.device_id.encode(),
        headers={**user.csrf, "content-type": 'Application/JSON; Charset="UTF-8"'},
    )
    assert response.status_code == 200, response.text
    response = await user.client.post("/api/devices", headers=user.csrf)
    assert response.status_code == 201, response.text
    assert "content-type" not in response.request.headers


async def test_openapi_lists_the_api(client) -> None:
    paths = (await client.get("/schema/openapi.json")).json()["paths"]
    for path in ("/api/auth/signup", "/api/me", "/api/devices", "/api/sync/push", "/api/sync/pull"):
        assert path in paths


async def test_upload_cut_off_midway_is_a_quiet_4xx(new_user, app, caplog) -> None:
    """A phone losing signal mid-upload is not a server error (and nothing is applied)."""
    user = await new_user("cut@example.com")
    cookies = "; ".join(f"{name}={value}" for name, value in user.client.cookies.items())
    events = iter(
        [
            {"type": "http.request", "body": b'{"device_id": "', "more_body": True},
            {"type": "http.disconnect"},
        ]
    )
    sent: list[dict] = []

    async def receive() -> dict:
        return next(events)

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/api/sync/push",
        "raw_path": b"/api/sync/push",
        "query_string": b"",
        "root_path": "",
        "server": ("testserver.local", 80),
        "client": ("127.0.0.1", 5000),
        "headers": [
            (b"host", b"testserver.local"),
            (b"content-type", b"application/json"),
            (b"cookie", cookies.encode()),
            (b"x-csrftoken", user.csrf["x-csrftoken"].encode()),
        ],
    }
    await app(scope, receive, send)
    start = next(m for m in sent if m["type"] == "http.response.start")
    assert start["status"] == 400
    assert not [r for r in caplog.records if r.levelname == "ERROR"]


async def test_healthz_reports_the_schema_revision_and_fails_when_it_changes(client, app) -> None:
    """A database migrated (or restored) under a running server takes it out of rotation."""
    health = await client.get("/healthz")
    assert health.status_code == 200, health.text
    assert health.json()["schema"] == head_revision()
    stale = await healthz_while(
        client,
        app,
        "UPDATE alembic_version SET version_num = '0001'",
        f"UPDATE alembic_version SET version_num = '{head_revision()}'",
    )
    assert stale.status_code == 503
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert stale.json()["code"] == "schema_mismatch"
    assert "`sidewise migrate`" in stale.json()["detail"]


async def test_healthz_fails_on_a_database_never_migrated(client, app) -> None:
    """No version table (an empty database put in place under the server): out of rotation."""
    missing = await healthz_while(
        client,
        app,
        "ALTER TABLE alembic_version RENAME TO alembic_version_away",
        "ALTER TABLE alembic_version_away RENAME TO alembic_version",
    )
    assert missing.status_code == 503, missing.text
    assert missing.json()["code"] == "schema_mismatch"
    assert "revision none" in missing.json()["detail"]
    assert (await client.get("/healthz")).status_code == 200


async def healthz_while(
    client: httpx.AsyncClient, app: Litestar, change: str, undo: str
) -> httpx.Response:
    """``/healthz``'s answer while the database is altered by ``change``, undone after."""
    async with app.state.services.db.write() as conn:
        await conn.execute(text(change))
    try:
        return await client.get("/healthz")
    finally:
        async with app.state.services.db.write() as conn:
            await conn.execute(text(undo))
