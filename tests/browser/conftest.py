"""Browser fixtures: one Chromium for this package, one real server per test module, and fresh
phone-sized profiles per test (closed afterwards).

Playwright's sync API keeps an event loop marked as running while it is started, so Chromium
lives only as long as this package's tests: the asyncio tests elsewhere need the thread's loop
free.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, expect, sync_playwright

from tests.browser.support import (
    CHROMIUM,
    TIMEOUT_MS,
    AppServer,
    launch,
    new_phone,
    page_state,
    start_server,
)
from tests.support.databases import SqliteTemplate

# Assertions retry as long as actions wait: a busy CI machine may take seconds to sync.
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (`make test` does, as root)")
    with sync_playwright() as playwright:
        chromium = launch(playwright)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: SqliteTemplate
) -> Iterator[AppServer]:
    app_server = start_server(tmp_path_factory.mktemp("server"), template=sqlite_template)
    yield app_server
    app_server.close()


@pytest.fixture
def phones(browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """Factory of fresh profiles (a phone, a tablet…); each one is closed after the test."""
    opened: list[BrowserContext] = []

    def make() -> BrowserContext:
        opened.append(new_phone(browser))
        return opened[-1]

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def email(request: pytest.FixtureRequest) -> str:
    """An address of its own for each test, so tests sharing a server never share an account."""
    return f"{request.node.name.replace('_', '-')[:48]}@example.com"


# A failing test's report gains what its open pages showed and logged (``page_state``).
@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    browser = getattr(item, "funcargs", {}).get("browser")
    if report.when == "call" and report.failed and isinstance(browser, Browser):
        pages = [page for context in browser.contexts for page in context.pages]
        if pages:
            report.sections.append(("open pages", "\n".join(page_state(p) for p in pages)))
    return report
