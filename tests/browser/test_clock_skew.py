"""A phone whose clock runs 10 minutes ahead: the server refuses its first upload
(`clock_skew`), and the app recovers by itself: a new device id, its waiting ops re-stamped
under new op ids on the server's time. The server then holds every set once: none lost, none
duplicated, each field written by exactly one accepted op, under the new device."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from playwright.sync_api import BrowserContext, expect

from tests.browser.support import EXERCISE, AppServer, history, log_set, signed_up, tab, wait_synced

AHEAD_MS = 10 * 60_000  # past the server's 5-minute bound
LOGGED = [("left", 8, 20.0), ("right", 8, 20.0), ("left", 6, 22.5)]


def test_a_clock_ahead_of_the_server_is_recovered_with_nothing_lost_or_doubled(
    phones: Callable[[], BrowserContext], server: AppServer, email: str
) -> None:
    context = phones()
    context.add_init_script(f"{{ const real = Date.now; Date.now = () => real() + {AHEAD_MS}; }}")
    page = signed_up(context, server.base_url, email)
    page.get_by_test_id("exercise").select_option(EXERCISE)
    for side, reps, kg in LOGGED:
        log_set(page, side, reps, kg)
    wait_synced(page)
    expect(page.get_by_test_id("sync-chip")).to_have_attribute("data-pending", "0")

    want = Counter((side, reps, round(kg * 1000)) for side, reps, kg in LOGGED)
    rows = server.logged_sets(email)
    assert Counter((side, reps, weight_g) for _, side, reps, weight_g, _ in rows) == want
    assert sorted(row[0] for row in rows) == sorted(s.id for s in history(page))
    repeated = [row for row in server.op_fields(email) if row[2] != 1]
    assert repeated == [], "a field was uploaded more than once"
    devices = server.query(
        "SELECT d.node_id FROM device d JOIN account a ON a.id = d.account_id"
        " WHERE a.email = ? ORDER BY d.created_at_ms",
        (email,),
    )
    assert len(devices) >= 2, "the refused device was replaced"
    writers = server.query(
        "SELECT DISTINCT substr(o.hlc, -16) FROM op_log o JOIN account a ON a.id = o.account_id"
        " WHERE a.email = ?",
        (email,),
    )
    assert writers == [devices[-1]], "every accepted op is the new device's"
    tab(page, "sync")
    expect(page.get_by_test_id("pending-count")).to_have_text("0")
