"""Cold start offline: after one online visit, the app opens from the service worker's cache with
no connection, still signed in; six sets logged then (three per side, "Same for …" included)
show in History, and once back online the server's `logged_set` table holds exactly them."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.support import (
    EXERCISE,
    AppServer,
    ShownSet,
    history,
    log_set,
    new_phone,
    same_for_other_side,
    signed_up,
    tab,
    wait_synced,
)

EMAIL = "cold-start@example.com"
# (side, reps, kg) in logging order; each second set comes from "Same for <other side>".
SETS = [
    ("right", 8, 20.0),
    ("left", 7, 20.0),
    ("right", 8, 22.5),
    ("left", 8, 22.5),
    ("left", 6, 25.0),
    ("right", 6, 25.0),
]
SHOWN = re.compile(r"^(Left|Right) (\d+) × ([\d.]+) kg")


@dataclass
class ColdStart:
    context: BrowserContext
    page: Page
    served_by_worker: bool
    status: int


@pytest.fixture(scope="module")
def cold_start(browser: Browser, server: AppServer) -> Iterator[ColdStart]:
    """Sign up online, go offline, close the app, open it again and log six sets."""
    context = new_phone(browser)
    try:
        signed_up(context, server.base_url, EMAIL).close()
        context.set_offline(True)
        page = context.new_page()
        response = page.goto(server.base_url + "/")
        assert response is not None
        page.wait_for_selector("html[data-app=app]", state="attached")
        page.get_by_test_id("exercise").select_option(EXERCISE)
        for (side, reps, kg), (other, other_reps, other_kg) in zip(
            SETS[::2], SETS[1::2], strict=True
        ):
            log_set(page, side, reps, kg)
            same_for_other_side(page, other, other_reps, other_kg)
        yield ColdStart(context, page, response.from_service_worker, response.status)
    finally:
        context.close()


def expected() -> Counter[tuple[str, int, int]]:
    return Counter((side, reps, round(kg * 1000)) for side, reps, kg in SETS)


def as_logged(shown: list[ShownSet]) -> Counter[tuple[str, int, int]]:
    found: Counter[tuple[str, int, int]] = Counter()
    for item in shown:
        match = SHOWN.match(item.text)
        assert match, f"unexpected set text {item.text!r}"
        assert match.group(1).lower() == item.side
        found[(item.side, int(match.group(2)), round(float(match.group(3)) * 1000))] += 1
    return found


def test_cold_start_offline_opens_from_cache_signed_in_and_logs_six_sets(
    cold_start: ColdStart, server: AppServer
) -> None:
    page = cold_start.page
    assert cold_start.served_by_worker, "the offline page did not come from the service worker"
    assert cold_start.status == 200
    expect(page.get_by_test_id("sync-chip")).to_have_attribute("data-state", "offline")
    expect(page.get_by_test_id("sync-chip")).to_have_attribute("data-pending", "6")
    shown = history(page)
    assert as_logged(shown) == expected()
    assert Counter(s.side for s in shown) == {"left": 3, "right": 3}
    tab(page, "settings")
    expect(page.get_by_test_id("account-email")).to_have_text(EMAIL)
    assert server.logged_sets(EMAIL) == [], "nothing can have reached the server while offline"


def test_back_online_the_server_holds_exactly_those_six_sets(
    cold_start: ColdStart, server: AppServer
) -> None:
    page = cold_start.page
    cold_start.context.set_offline(False)
    wait_synced(page)
    rows = server.logged_sets(EMAIL)
    assert Counter((side, reps, weight_g) for _, side, reps, weight_g, _ in rows) == expected()
    assert sorted(row[0] for row in rows) == sorted(s.id for s in history(page))
