"""The session ends on the server while the phone is offline: logging goes on, upload pauses
with a "sign in again" banner instead of dropping anything, and signing in again uploads the
outbox. The server then holds every set once: none lost, none duplicated, each field written by
exactly one accepted op."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from bench.devices import PASSWORD
from tests.browser.support import (
    EXERCISE,
    AppServer,
    history,
    log_set,
    open_app,
    signed_up,
    tab,
    wait_synced,
)

# (side, reps, kg): logged offline after the session ended, then one more once back online.
OFFLINE = [("left", 8, 20.0), ("right", 8, 20.0)] * 2 + [("left", 7, 22.5), ("right", 6, 22.5)]
WHILE_PAUSED = ("left", 5, 25.0)


def test_session_expired_offline_keeps_logging_and_uploads_after_signing_in_again(
    phones: Callable[[], BrowserContext], server: AppServer, email: str
) -> None:
    context = phones()
    page = signed_up(context, server.base_url, email)
    page.get_by_test_id("exercise").select_option(EXERCISE)
    log_set(page, "right", 10, 17.5)
    wait_synced(page)
    assert len(server.logged_sets(email)) == 1

    context.set_offline(True)
    page.close()
    server.end_sessions(email)
    page = open_app(context, server.base_url)
    page.get_by_test_id("exercise").select_option(EXERCISE)
    for side, reps, kg in OFFLINE:
        log_set(page, side, reps, kg)
    expect(page.get_by_test_id("sync-chip")).to_have_attribute("data-pending", str(len(OFFLINE)))

    context.set_offline(False)
    expect(page.get_by_test_id("reauth-banner")).to_be_visible()
    expect(page.get_by_test_id("sync-chip")).to_have_attribute("data-state", "paused")
    log_set(page, *WHILE_PAUSED)
    expect(page.get_by_test_id("sync-chip")).to_have_attribute(
        "data-pending", str(len(OFFLINE) + 1)
    )
    assert len(server.logged_sets(email)) == 1, "nothing uploads without a session"

    page.get_by_test_id("reauth").click()
    expect(page.get_by_test_id("email")).to_have_value(email)
    page.get_by_test_id("password").fill(PASSWORD)
    page.get_by_test_id("auth-submit").click()
    expect(page.get_by_test_id("reauth-banner")).to_be_hidden()
    wait_synced(page)

    logged = [("right", 10, 17.5), *OFFLINE, WHILE_PAUSED]
    want = Counter((side, reps, round(kg * 1000)) for side, reps, kg in logged)
    rows = server.logged_sets(email)
    assert Counter((side, reps, weight_g) for _, side, reps, weight_g, _ in rows) == want
    assert sorted(row[0] for row in rows) == sorted(s.id for s in history(page))
    repeated = [row for row in server.op_fields(email) if row[2] != 1]
    assert repeated == [], "a field was uploaded more than once"
    tab(page, "sync")
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
