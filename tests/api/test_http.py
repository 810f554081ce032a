"""HTTP-level behaviour shared by every endpoint: hosts, headers, problem shape, OpenAPI."""

from __future__ import annotations


async def test_unknown_host_header_is_refused(client) -> None:
    assert (await client.get("/healthz", headers={"host": "evil.example"})).status_code == 400
    assert (await client.get("/healthz", headers={"host": "127.0.0.1:8000"})).status_code == 200


async def test_security_headers(client) -> None:
    response = await client.get("/healthz")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
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
