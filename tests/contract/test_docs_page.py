"""One API reference page, at /schema, under a content security policy of its own; Litestar's
other renderers are gone and the app keeps its own policy."""

from __future__ import annotations

import re

import httpx

from backend.api.docs_page import DOCS_CSP


async def test_the_reference_page_and_its_files_come_from_this_server(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/schema")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == DOCS_CSP
    # Every script and stylesheet from here (the favicon is an empty data: URL).
    sources = set(re.findall(r'(?:src|href)="([^"]+)"', page.text)) - {"data:,"}
    assert len(sources) == 3
    for source in sources:
        assert source.startswith("/schema/assets/"), source
        asset = await client.get(source)
        assert asset.status_code == 200, source
        assert asset.content


async def test_no_other_renderer_and_the_app_keeps_its_policy(client: httpx.AsyncClient) -> None:
    for path in ("/schema/swagger", "/schema/elements", "/schema/redoc", "/schema/rapidoc"):
        assert (await client.get(path)).status_code == 404, path
    app_policy = (await client.get("/")).headers["content-security-policy"]
    assert app_policy != DOCS_CSP
    assert "script-src 'self'" in app_policy
    assert (await client.get("/schema/openapi.json")).status_code == 200
