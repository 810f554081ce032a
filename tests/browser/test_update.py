"""A new deploy: the server restarts on the same port and data with a changed app shell. The open
app offers "Update available — Reload", keeps running the old version until then, and the
Reload button brings up the new one (its new shell hash and its changed stylesheet)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import AppServer, copy_app, signed_up, start_server
from tests.support.databases import SqliteTemplate

# The change the new deploy brings: a custom property the test can read back.
NEW_RULE = '\n:root { --sidewise-deploy: "two"; }\n'
WAITING = "navigator.serviceWorker.getRegistration().then(r => r.waiting !== null)"
CACHES = "caches.keys().then(names => names.filter(n => n.startsWith('sidewise-shell-')).sort())"


@pytest.fixture
def deployed(tmp_path: Path, sqlite_template: SqliteTemplate) -> Iterator[AppServer]:
    pwa_dir = copy_app(tmp_path / "pwa")
    app_server = start_server(tmp_path, pwa_dir=pwa_dir, template=sqlite_template)
    yield app_server
    app_server.close()


def stylesheet(page: Page) -> str:
    return str(page.evaluate("document.querySelector('link[rel=stylesheet]').href"))


def deploy_marker(page: Page) -> str:
    return str(
        page.evaluate(
            "getComputedStyle(document.documentElement).getPropertyValue('--sidewise-deploy')"
        )
    ).strip()


def test_new_deploy_shows_the_update_prompt_and_reloads_into_the_new_version(
    phones: Callable[[], BrowserContext], deployed: AppServer, email: str
) -> None:
    old = deployed.shell_version()
    page = signed_up(phones(), deployed.base_url, email)
    assert f"/v/{old}/" in stylesheet(page)

    deployed.stop()
    assert deployed.pwa_dir is not None
    with (deployed.pwa_dir / "base.css").open("a") as css:
        css.write(NEW_RULE)
    deployed.start()
    new = deployed.shell_version()
    assert new != old, "the server did not give the changed shell a new version"

    # Opening the app again (as after a night in the background) finds the new worker.
    page.reload()
    banner = page.get_by_test_id("update-banner")
    expect(banner).to_be_visible()
    expect(banner).to_contain_text("Update available")
    assert f"/v/{old}/" in stylesheet(page), "the old version keeps running until Reload"
    assert deploy_marker(page) == ""
    # The new worker waits: the open page keeps its own version's cache until Reload.
    assert page.evaluate(WAITING) is True
    assert page.evaluate(CACHES) == sorted([f"sidewise-shell-{old}", f"sidewise-shell-{new}"])

    with page.expect_navigation():
        page.get_by_test_id("update-reload").click()
    page.wait_for_selector("html[data-app=app]", state="attached")
    assert f"/v/{new}/" in stylesheet(page)
    assert deploy_marker(page) == '"two"'
    expect(page.get_by_test_id("update-banner")).to_have_count(0)
    page.wait_for_selector("html[data-sw=ready]", state="attached")
    assert page.evaluate(CACHES) == [f"sidewise-shell-{new}"]
