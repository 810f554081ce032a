"""Imbalance alert end to end, with nothing seeded behind the app's back: a phone logs a six-week
history through the Log screen and syncs it; the server's own evaluation raises one alert; a
tablet signed in to the same account pulls it and charts both sides; acknowledging on the
tablet clears the banner there, on the server and, after its next sync, on the phone."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, expect

from tests.browser.support import (
    EXERCISE,
    AppServer,
    log_set,
    new_phone,
    open_app,
    same_for_other_side,
    sign_in,
    signed_up,
    tab,
    wait_synced,
)
from tests.browser.test_charts import COLOURS, COUNT_COLOUR, open_charts

ZONE = "Europe/Berlin"
EMAIL = "imbalance@example.com"
# Six weeks, two sessions a week: left 60 kg and right 50 kg for 8 (LSI 83.3 % every session,
# volume 16.7 % apart: below the volume rule's 20 %), so exactly one alert stands: the LSI one.
SESSIONS_DAYS_AGO = [41, 38, 34, 31, 27, 24, 20, 17, 13, 10, 6, 3]


def log_history(page: Page) -> None:
    page.get_by_test_id("exercise").select_option(EXERCISE)
    today = datetime.now(ZoneInfo(ZONE)).date()
    for days_ago in SESSIONS_DAYS_AGO:
        day = today - timedelta(days=days_ago)
        page.clock.set_fixed_time(datetime(day.year, day.month, day.day, 18, tzinfo=ZoneInfo(ZONE)))
        log_set(page, "left", 8, 60)
        same_for_other_side(page, "right", 8, 50)


def sync_now(page: Page) -> None:
    tab(page, "sync")
    page.get_by_test_id("sync-now").click()
    wait_synced(page)


def banner_alerts(page: Page):
    return page.get_by_test_id("alert-banner").get_by_test_id("alert")


def server_alerts(server: AppServer) -> list[tuple[str, str, str]]:
    return server.query(
        "SELECT f.record_id, f.field, f.value FROM field_state f JOIN account a"
        " ON a.id = f.account_id WHERE a.email = ? AND f.record_type = 'alert'"
        " ORDER BY 1, 2",
        (EMAIL,),
    )


def test_a_synced_history_raises_one_alert_that_every_device_sees_and_clears(
    browser: Browser, server: AppServer
) -> None:
    phone_context, tablet_context = new_phone(browser, ZONE), new_phone(browser, ZONE)
    try:
        phone = signed_up(phone_context, server.base_url, EMAIL)
        log_history(phone)
        wait_synced(phone)
        assert len(server.logged_sets(EMAIL)) == 2 * len(SESSIONS_DAYS_AGO)
        # The app told the server its zone: the server counts the same days as the phone.
        assert server.query("SELECT time_zone FROM account WHERE email = ?", (EMAIL,)) == [(ZONE,)]

        # The server judges the account in the background; the phone sees it on a later pull.
        for _ in range(40):
            sync_now(phone)
            if banner_alerts(phone).count() == 1:
                break
            time.sleep(0.25)
        expect(banner_alerts(phone)).to_have_count(1)
        alert = banner_alerts(phone).first
        expect(alert).to_have_attribute("data-kind", "lsi")
        expect(alert).to_have_attribute("data-side", "right")
        expect(alert).to_contain_text("LSI = weaker ÷ stronger × 100: 83.3 %")
        alert_id = alert.get_attribute("data-alert-id")
        fields = {field: value for _, field, value in server_alerts(server)}
        assert fields["value_x10"] == "833"
        assert fields["acknowledged"] == "false"

        tablet = open_app(tablet_context, server.base_url)
        sign_in(tablet, EMAIL, mode="login")
        wait_synced(tablet)
        expect(banner_alerts(tablet)).to_have_count(1)
        expect(banner_alerts(tablet)).to_have_attribute("data-alert-id", alert_id or "")
        open_charts(tablet)
        for side, rgb in COLOURS.items():
            count = tablet.evaluate(COUNT_COLOUR, ["[data-testid=chart-e1rm]", list(rgb)])
            assert count > 200, f"{side} series colour {rgb} drawn on {count} pixels"

        # Charts lists the alert itself; the other screens show it above them.
        expect(banner_alerts(tablet)).to_have_count(0)
        tab(tablet, "log")
        banner_alerts(tablet).get_by_test_id("alert-ack").click()
        expect(banner_alerts(tablet)).to_have_count(0)
        wait_synced(tablet)
        assert ("acknowledged", "true") in {(f, v) for _, f, v in server_alerts(server)}
        sync_now(phone)
        expect(banner_alerts(phone)).to_have_count(0)
        # Judged again after the acknowledgement, the same alert still stands and stays quiet.
        assert len({rid for rid, _, _ in server_alerts(server)}) == 1
    finally:
        phone_context.close()
        tablet_context.close()
