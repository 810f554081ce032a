"""The Reminders screen: reminders are local records, created, edited and deleted offline and
synced like sets; quiet hours live on the server, so they wait for a connection."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.support import AppServer, new_phone, signed_up, tab, wait_synced

EMAIL = "reminders@example.com"
CURL = "single-arm-biceps-curl"
HAMMER = "single-arm-hammer-curl"
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@pytest.fixture
def new_york_phone(browser: Browser) -> Iterator[BrowserContext]:
    context = new_phone(browser, zone="America/New_York")
    yield context
    context.close()


def open_reminders(page: Page) -> None:
    tab(page, "settings")
    page.get_by_test_id("nav-reminders").click()
    page.wait_for_selector("main[data-testid=screen-reminders]")


def pick_days(page: Page, *days: str) -> None:
    for day in DAYS:
        page.get_by_test_id(f"reminder-day-{day}").set_checked(day in days)


def tick(page: Page, exercise: str, checked: bool = True) -> None:
    page.locator(f"[data-testid=reminder-exercise][data-exercise={exercise}]").set_checked(checked)


def server_reminders(server: AppServer) -> dict[str, dict[str, object]]:
    rows = server.query(
        "SELECT f.record_id, f.field, f.value FROM field_state f JOIN account a"
        " ON a.id = f.account_id WHERE a.email = ? AND f.record_type = 'reminder'",
        (EMAIL,),
    )
    records: dict[str, dict[str, object]] = {}
    for record_id, field, value in rows:
        records.setdefault(record_id, {})[field] = json.loads(value)
    return records


def test_reminders_are_edited_offline_and_sync_quiet_hours_need_the_server(
    new_york_phone: BrowserContext, server: AppServer
) -> None:
    page = signed_up(new_york_phone, server.base_url, EMAIL)
    open_reminders(page)
    expect(page.get_by_test_id("reminders-empty")).to_be_visible()
    new_york_phone.set_offline(True)
    expect(page.get_by_test_id("quiet-offline")).to_be_visible()
    expect(page.get_by_test_id("quiet-start")).to_be_disabled()
    toggle = page.get_by_test_id("notifications-toggle")
    expect(toggle).to_have_attribute("data-state", "offline")
    expect(toggle).to_be_disabled()

    # A new reminder: no day picked is refused; the zone defaults to the device's.
    page.get_by_test_id("reminder-new").click()
    expect(page.locator("#reminder-form-title")).to_be_focused()
    expect(page.get_by_test_id("reminder-tz")).to_have_value("America/New_York")
    page.get_by_test_id("reminder-limb-right_arm").check()
    pick_days(page)
    page.get_by_test_id("reminder-save").click()
    expect(page.get_by_test_id("reminder-form")).to_contain_text("Pick at least one day.")
    pick_days(page, "tue", "thu")
    page.get_by_test_id("reminder-time").fill("07:15")
    page.get_by_test_id("reminder-tz").select_option("Asia/Tokyo")
    tick(page, HAMMER)
    tick(page, CURL)
    expect(page.get_by_test_id("reminder-form")).to_contain_text("opens Log on Single-arm hammer")
    page.get_by_test_id("reminder-save").click()
    expect(page.get_by_test_id("reminder-saved")).to_have_text(
        "Saved: Right arm, Tue, Thu at 07:15."
    )
    item = page.get_by_test_id("reminder")
    expect(item).to_have_attribute("data-limb", "right_arm")
    expect(item).to_have_attribute("data-weekdays", str(0b0001010))
    expect(item).to_have_attribute("data-tz", "Asia/Tokyo")
    expect(item).to_have_attribute("data-exercises", f"{HAMMER},{CURL}")
    expect(item).to_contain_text("Tue, Thu · Asia/Tokyo")

    # Edit: the form opens on the stored values; a later time, paused.
    item.get_by_test_id("reminder-edit").click()
    expect(page.get_by_test_id("reminder-time")).to_have_value("07:15")
    expect(page.get_by_test_id("reminder-day-thu")).to_be_checked()
    expect(page.get_by_test_id("reminder-day-mon")).not_to_be_checked()
    page.get_by_test_id("reminder-time").fill("07:45")
    tick(page, HAMMER, checked=False)
    page.get_by_test_id("reminder-enabled").uncheck()
    page.get_by_test_id("reminder-save").click()
    expect(item).to_have_attribute("data-time", "07:45")
    expect(item).to_have_attribute("data-enabled", "false")
    expect(item).to_contain_text("Paused")

    # A second one, deleted again; the first survives a reload offline.
    page.get_by_test_id("reminder-new").click()
    page.get_by_test_id("reminder-limb-left_leg").check()
    page.get_by_test_id("reminder-save").click()
    expect(page.get_by_test_id("reminder")).to_have_count(2)
    page.locator("[data-testid=reminder][data-limb=left_leg] [data-testid=reminder-edit]").click()
    page.get_by_test_id("reminder-delete").click()
    expect(page.get_by_test_id("reminder")).to_have_count(1)
    page.reload()
    expect(page.get_by_test_id("reminder")).to_have_attribute("data-time", "07:45")

    new_york_phone.set_offline(False)
    wait_synced(page)
    live = {i: r for i, r in server_reminders(server).items() if not r.get("_deleted")}
    assert list(live.values()) == [
        {
            "weekdays": 0b0001010,
            "local_time": "07:45",
            "tz": "Asia/Tokyo",
            "limb": "right_arm",
            "exercises": CURL,
            "enabled": False,
        }
    ]
    assert len(server_reminders(server)) == 2  # the deleted one, as a deletion

    # Online, quiet hours are the server's: saved, shown again after a reload, cleared.
    expect(page.get_by_test_id("quiet-offline")).to_have_count(0)
    page.get_by_test_id("quiet-start").fill("22:00")
    page.get_by_test_id("quiet-end").fill("07:00")
    page.get_by_test_id("quiet-save").click()
    expect(page.get_by_test_id("quiet-status")).to_have_text("Quiet from 22:00 to 07:00.")
    assert server.query("SELECT quiet_start, quiet_end FROM account WHERE email = ?", (EMAIL,)) == [
        ("22:00", "07:00")
    ]
    page.reload()
    expect(page.get_by_test_id("quiet-start")).to_have_value("22:00")
    page.get_by_test_id("quiet-clear").click()
    expect(page.get_by_test_id("quiet-status")).to_have_text("No quiet hours.")
    expect(page.get_by_test_id("quiet-end")).to_have_value("")
