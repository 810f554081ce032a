"""The API reference at /schema renders in Chromium from this server alone: every script and
style is vendored, the page's own content security policy refuses nothing, and the operations
are listed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, ConsoleMessage, Route, expect

from tests.browser.support import AppServer

OPERATIONS = ("/api/sync/push", "/api/sync/pull", "/api/auth/login", "/api/charts/{exercise}")


def test_api_reference_renders_offline_with_its_operations(
    phones: Callable[[], BrowserContext], server: AppServer, tmp_path: Path
) -> None:
    context = phones()
    elsewhere: list[str] = []

    def refuse(route: Route) -> None:
        # No network beyond this server: a CDN request would fail here, as offline.
        elsewhere.append(route.request.url)
        route.abort()

    context.route(lambda url: not url.startswith(server.base_url), refuse)
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console",
        lambda message: problems.append(message.text) if _is_error(message) else None,
    )

    page.goto(server.base_url + "/schema")

    for path in OPERATIONS:
        expect(page.locator(f".opblock-summary-path[data-path='{path}']").first).to_be_visible()
    summaries = page.locator(".opblock-summary")
    assert summaries.count() >= 16
    expect(page.locator(".scheme-container .authorize")).to_be_visible()  # the security schemes
    push = page.locator(".opblock").filter(has=page.locator("[data-path='/api/sync/push']"))
    push.locator(".opblock-summary").click()
    expect(push.locator(".opblock-section-request-body")).to_be_visible()
    for status in ("200", "401", "403", "413", "422"):
        expect(push.locator(f".responses-table tr.response[data-code='{status}']")).to_be_visible()
    page.screenshot(path=str(tmp_path / "api-docs.png"), full_page=True)
    assert elsewhere == []
    assert problems == []


def _is_error(message: ConsoleMessage) -> bool:
    # CSP refusals are reported as console errors.
    return message.type == "error"
