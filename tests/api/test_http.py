"""HTTP-level behaviour shared by every endpoint: hosts, headers, problem shape, OpenAPI."""

from __future__ import annotations

from sqlalchemy import text

from backend.db.schema import head_revision


async def test_unknown_host_header_is_refused(client) -> None:
    assert (await client.get("/healthz", headers={"host": "evil.example"})).status_code == 400
    assert (await client.get("/healthz", headers={"host": "127.0.0.1:8000"})).status_code == 200


async def test_security_headers(client) -> None:
    page, worker = await client.get("/"), await client.get("/sw.js")
    assert page.headers["content-security-policy"] == worker.headers["content-security-policy"]
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    for response in (page, worker, await client.get("/healthz")):
        assert response.headers["x-content-type-options"] == "nosniff"


async def test_unknown_route_and_method_are_problems(client) -> None:
    missing = await client.get("/api/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    wrong = await client.get("/api/sync/push")
    assert wrong.status_code == 405
    assert wrong.json()["code"] == "method_not_allowed"


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
    async with app.state.services.db.write() as conn:
        await conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        stale = await client.get("/healthz")
    finally:
        async with app.state.services.db.write() as conn:
            await conn.execute(
                text("UPDATE alembic_version SET version_num = :head"), {"head": head_revision()}
            )
    assert stale.status_code == 503
    assert stale.headers["content-type"].startswith("application/problem+json")
    assert stale.json()["code"] == "schema_mismatch"
    assert "`sidewise migrate`" in stale.json()["detail"]
