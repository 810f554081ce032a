"""Injury & cross-education on a phone in Berlin: mark the left arm injured, train the right arm
offline on several days (the page's clock is moved day by day), and the Injury screen shows the
plan and adherence that ``backend.domain.cross_education`` computes from the server's copy of
the log once it syncs. Editing the limb later edits the same ``limb_status`` record."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import msgspec
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from backend.domain.cross_education import adherence, plan, suggested_test_sets, usage
from backend.domain.limbs import LimbStatus, involvement
from backend.domain.strength import SetEntry
from tests.browser.support import (
    PHONE,
    TIMEOUT_MS,
    AppServer,
    log_set,
    signed_up,
    tab,
    wait_synced,
)
from tests.domain.plan_cases import CATALOGUE_KINDS

EMAIL = "injured-arm@example.com"
ZONE = ZoneInfo("Europe/Berlin")
CURL = "single-arm-biceps-curl"
# (day after the injury, exercise, side): right-arm sessions, one left-arm test, one leg day.
SESSIONS = [
    (0, CURL, "right"),
    (2, CURL, "right"),
    (4, CURL, "right"),
    (7, CURL, "right"),
    (9, CURL, "right"),
    (11, CURL, "left"),  # the injured side: not a cross-education session
    (12, "single-leg-press", "right"),  # a leg: not an arm session
]
TODAY = 16  # week 3 of the block


@pytest.fixture
def berlin_phone(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/Berlin")
    context.set_default_timeout(TIMEOUT_MS)
    yield context
    context.close()


def at_evening(page: Page, day: date) -> None:
    """Date.now() in the page becomes 18:00 Berlin time on ``day`` (timers keep running)."""
    page.clock.set_fixed_time(datetime.combine(day, time(18), ZONE))


def open_injury(page: Page) -> None:
    tab(page, "settings")
    page.get_by_test_id("nav-injury").click()
    page.wait_for_selector("main[data-testid=screen-injury]")


def server_limb_statuses(server: AppServer) -> dict[str, dict[str, object]]:
    rows = server.query(
        "SELECT f.record_id, f.field, f.value FROM field_state f JOIN account a"
        " ON a.id = f.account_id WHERE a.email = ? AND f.record_type = 'limb_status'",
        (EMAIL,),
    )
    records: dict[str, dict[str, object]] = {}
    for record_id, field, value in rows:
        records.setdefault(record_id, {})[field] = json.loads(value)
    return records


def server_sets(server: AppServer) -> list[SetEntry]:
    rows = server.query(
        "SELECT s.exercise, s.side, s.reps, s.weight_g, s.performed_at_ms FROM logged_set s"
        " JOIN account a ON a.id = s.account_id WHERE a.email = ?",
        (EMAIL,),
    )
    return [
        SetEntry(exercise=e, side=side, reps=r, weight_g=w, performed_at=t)
        for e, side, r, w, t in rows
    ]


def test_injured_arm_plan_and_adherence_match_the_domain(
    berlin_phone: BrowserContext, server: AppServer
) -> None:
    page = signed_up(berlin_phone, server.base_url, EMAIL)
    hurt = datetime.now(ZONE).date() - timedelta(days=20)
    at_evening(page, hurt)
    open_injury(page)
    expect(page.get_by_test_id("no-plan")).to_be_visible()
    for limb in ("left_arm", "right_arm", "left_leg", "right_leg"):
        expect(page.locator(f"[data-testid=limb-status][data-limb={limb}]")).to_have_attribute(
            "data-status", "healthy"
        )

    # Left arm injured since `hurt`, 3 sessions a week (the defaults of the form).
    expect(page.get_by_test_id("injury-limb")).to_have_value("left_arm")
    page.get_by_test_id("injury-status-injured").check()
    page.get_by_test_id("injury-since").fill(hurt.isoformat())
    page.get_by_test_id("injury-save").click()
    expect(page.get_by_test_id("injury-saved")).to_contain_text("left arm injured")
    left_arm = page.locator("[data-testid=limb-status][data-limb=left_arm]")
    expect(left_arm).to_have_attribute("data-status", "injured")
    expect(page.get_by_test_id("plan-trained-side")).to_have_attribute("data-side", "right")

    berlin_phone.set_offline(True)
    page.get_by_test_id("log-trained").click()
    page.wait_for_selector("main[data-testid=screen-log]")
    expect(page.get_by_test_id("exercise")).to_have_value(CURL)
    expect(page.get_by_test_id("side-right")).to_be_checked()
    for n, (offset, exercise, side) in enumerate(SESSIONS):
        at_evening(page, hurt + timedelta(days=offset))
        tab(page, "log")
        page.get_by_test_id("exercise").select_option(exercise)
        log_set(page, side, 8, 12 + n)

    at_evening(page, hurt + timedelta(days=TODAY))
    open_injury(page)
    shown = page.get_by_test_id("adherence")
    expect(shown).to_contain_text("5 of 7 planned sessions, week 3 of 6")
    ui = {k: int(shown.get_attribute(f"data-{k}") or -1) for k in ("done", "planned", "week")}
    exercises = page.locator("[data-testid=plan] li[data-exercise]").evaluate_all(
        "els => els.map(e => e.dataset.exercise)"
    )
    expect(page.get_by_test_id("plan-explanation")).to_contain_text("not a promise")
    expect(page.get_by_test_id("test-set")).to_have_count(0)  # injured, not yet recovering

    berlin_phone.set_offline(False)
    page.get_by_test_id("sync-chip").click()
    wait_synced(page)
    (record,) = server_limb_statuses(server).values()
    assert record == {
        "limb": "left_arm",
        "status": "injured",
        "since": hurt.isoformat(),
        "sessions_per_week": 3,
    }
    # The domain, fed the server's copy of the log, agrees with the screen.
    status = LimbStatus(limb="left_arm", status="injured", since=hurt, sessions_per_week=3)
    found = involvement([status], "arm")
    assert found is not None
    sets = server_sets(server)
    today = hurt + timedelta(days=TODAY)
    expected_plan = plan(found, usage(sets, CATALOGUE_KINDS, "arm"), today)
    expected = adherence(sets, expected_plan, today, ZONE)
    assert ui == {"done": expected.done, "planned": expected.planned, "week": expected_plan.week}
    assert exercises == list(expected_plan.exercises) == [CURL]

    # Cleared to test the left arm: the same record changes; the test set of day 11 sets the
    # next one 14 days later.
    open_injury(page)
    left_arm.get_by_role("button").click()
    expect(page.get_by_test_id("injury-limb")).to_be_focused()
    page.get_by_test_id("injury-status-recovering").check()
    recovering = hurt + timedelta(days=TODAY)
    page.get_by_test_id("injury-since").fill(recovering.isoformat())
    page.get_by_test_id("injury-save").click()
    test_set = page.get_by_test_id("test-set")
    expect(test_set).to_have_attribute("data-state", "scheduled")
    cleared = msgspec.structs.replace(found, status="recovering", since=recovering)
    recovering_plan = plan(cleared, usage(sets, CATALOGUE_KINDS, "arm"), today)
    (due,) = suggested_test_sets(recovering_plan, sets, today, ZONE)
    assert due.due == hurt + timedelta(days=11 + 14)
    assert test_set.get_attribute("data-due") == due.due.isoformat()
    wait_synced(page)
    (record,) = server_limb_statuses(server).values()
    assert (record["status"], record["since"]) == ("recovering", recovering.isoformat())
