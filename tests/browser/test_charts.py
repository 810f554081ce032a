"""The Charts screen offline, on a phone in New York: sets logged through the Log screen on
four days (one just before local midnight, one just after) chart the numbers the Python domain
computes for the same sets in that zone, under either 1RM formula, with both side colours on
the canvas and no CSP refusal. Alerts written by the server show as banners until acknowledged,
and the acknowledgement reaches the server."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, expect

from backend.domain.charts import Chart, chart_of_sets
from backend.domain.strength import Formula, SetEntry, Side
from tests.browser.support import (
    EXERCISE,
    AppServer,
    log_set,
    new_phone,
    same_for_other_side,
    signed_up,
    tab,
    wait_synced,
)

ZONE = "America/New_York"
EMAIL = "charts-offline@example.com"
# (days ago, local time, [(a set, then "Same for <other side>" adjusted), …]), sets as
# (side, reps, kg).
L, R = "left", "right"
DAYS = [
    (15, "18:30", [((L, 8, 60.0), (R, 8, 50.0)), ((L, 10, 55.0), (R, 9, 47.5))]),
    (12, "23:40", [((L, 6, 62.5), (R, 8, 52.5)), ((R, 15, 40.0), (L, 5, 62.5))]),
    (8, "00:20", [((L, 8, 62.5), (R, 15, 55.0))]),  # right: only a 15-rep estimate
    # Two local days that are one UTC day: the right side's best differs between the two.
    (2, "23:50", [((R, 5, 57.5), (L, 5, 65.0))]),
    (1, "00:05", [((L, 5, 65.0), (R, 6, 55.0))]),
]
# Side colours as the canvas holds them (SIDE_COLOURS in pwa/js/ui/plots.js).
COLOURS = {"left": (0x2D, 0xD4, 0xBF), "right": (0xFB, 0xBF, 0x24)}
COUNT_COLOUR = """([selector, rgb]) => {
  const canvas = document.querySelector(`${selector} canvas`);
  const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
  let n = 0;
  for (let i = 0; i < data.length; i += 4) {
    const same = data[i] === rgb[0] && data[i + 1] === rgb[1] && data[i + 2] === rgb[2];
    if (same && data[i + 3] === 255) n++;
  }
  return n;
}"""


@dataclass
class Logged:
    page: Page
    sets: list[SetEntry]
    console: list[str]


def _instant(days_ago: int, local_time: str) -> datetime:
    day = datetime.now(ZoneInfo(ZONE)).date() - timedelta(days=days_ago)
    hour, minute = map(int, local_time.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=ZoneInfo(ZONE))


@pytest.fixture(scope="module")
def logged(browser: Browser, server: AppServer) -> Iterator[Logged]:
    """Sign up online, then offline: reopen the app from the cache and log every set at its
    moment (the page's clock is set to it)."""
    context: BrowserContext = new_phone(browser, ZONE)
    console: list[str] = []
    try:
        signed_up(context, server.base_url, EMAIL).close()
        context.set_offline(True)
        page = context.new_page()
        page.on("console", lambda m: console.append(_text(m)))
        page.on("pageerror", lambda e: console.append(f"pageerror: {e}"))
        page.goto(server.base_url + "/")
        page.wait_for_selector("html[data-app=app]", state="attached")
        page.get_by_test_id("exercise").select_option(EXERCISE)
        sets = []
        for days_ago, local_time, pairs in DAYS:
            start = _instant(days_ago, local_time)
            for n, pair in enumerate(pairs):
                for k, (side, reps, kg) in enumerate(pair):
                    at = start + timedelta(minutes=3 * n + k)
                    page.clock.set_fixed_time(at)
                    (log_set if k == 0 else same_for_other_side)(page, side, reps, kg)
                    sets.append(_entry(side, reps, kg, at))
        yield Logged(page, sets, console)
    finally:
        context.close()


def _text(message: ConsoleMessage) -> str:
    return f"{message.type}: {message.text}"


def _entry(side: str, reps: int, kg: float, at: datetime) -> SetEntry:
    sided: Side = "left" if side == "left" else "right"
    ms = int(at.timestamp() * 1000)
    return SetEntry(
        exercise=EXERCISE, side=sided, reps=reps, weight_g=round(kg * 1000), performed_at=ms
    )


def expected(sets: list[SetEntry], formula: Formula, zone_name: str = ZONE) -> Chart:
    return chart_of_sets(sets, EXERCISE, zone=ZoneInfo(zone_name), formula=formula)


def open_charts(page: Page) -> None:
    tab(page, "charts")
    for name in ("e1rm", "lsi", "volume"):
        page.wait_for_selector(f"[data-testid=chart-{name}][data-drawn]", state="attached")


def summary_numbers(page: Page) -> dict[str, str | None]:
    summary = page.get_by_test_id("chart-summary")
    names = ("left-e1rm-g", "right-e1rm-g", "lsi-x10", "week", "volume-left", "volume-right")
    return {name: summary.get_attribute(f"data-{name}") for name in names}


def domain_numbers(c: Chart) -> dict[str, str | None]:
    left = [b for b in c.days if b.side == "left"][-1]
    right = [b for b in c.days if b.side == "right"][-1]
    week = c.volume[-1]
    return {
        "left-e1rm-g": str(left.e1rm_g),
        "right-e1rm-g": str(right.e1rm_g),
        "lsi-x10": str(c.lsi[-1].lsi_x10),
        "week": week.week_start.isoformat(),
        "volume-left": str(week.left),
        "volume-right": str(week.right),
    }


def test_offline_charts_show_the_domains_numbers_for_the_devices_days(logged: Logged) -> None:
    page = logged.page
    open_charts(page)
    want = expected(logged.sets, "epley")
    assert domain_numbers(want) != domain_numbers(expected(logged.sets, "epley", "UTC"))
    assert summary_numbers(page) == domain_numbers(want)
    summary = page.get_by_test_id("chart-summary")
    expect(summary).to_contain_text("Epley")
    expect(summary).to_contain_text(want.lsi_formula)
    assert any(b.low_confidence for b in want.days), "a day whose best is a 15-rep estimate"


def test_the_e1rm_canvas_holds_both_side_colours(logged: Logged) -> None:
    page = logged.page
    open_charts(page)
    for side, rgb in COLOURS.items():
        count = page.evaluate(COUNT_COLOUR, ["[data-testid=chart-e1rm]", list(rgb)])
        # Hundreds where the line is drawn; a few dozen from edge rounding of a near colour.
        assert count > 200, f"{side} colour {rgb} drawn on {count} pixels"
    refused = [m for m in logged.console if "Content Security Policy" in m or "pageerror" in m]
    assert refused == []


def test_brzycki_from_settings_recharts_and_names_the_formula(logged: Logged) -> None:
    page = logged.page
    tab(page, "settings")
    page.get_by_test_id("formula-brzycki").check()
    open_charts(page)
    assert summary_numbers(page) == domain_numbers(expected(logged.sets, "brzycki"))
    expect(page.get_by_test_id("chart-summary")).to_contain_text("Brzycki")
    tab(page, "settings")
    page.get_by_test_id("formula-epley").check()


def test_an_exercise_without_per_side_sets_shows_the_empty_state(logged: Logged) -> None:
    page = logged.page
    open_charts(page)
    page.evaluate("location.hash = '#/charts/single-leg-curl'")
    expect(page.get_by_test_id("chart-empty")).to_contain_text("Single-leg curl")
    expect(page.get_by_test_id("chart-exercise")).to_have_value("single-leg-curl")
    expect(page.get_by_test_id("chart-e1rm")).to_have_count(0)


ALERT_ID = "019aa000-0000-7000-8000-00000000a1e7"


def _alert(**changes: object) -> dict[str, object]:
    now = int(time.time() * 1000)
    return {
        "kind": "lsi",
        "exercise": EXERCISE,
        "side": "right",
        "value_x10": 840,
        "window": "2026-10-25/2026-11-21",
        "message": "LSI = weaker ÷ stronger × 100: 84.0 % on 2026-11-21, below 90 % in 2 of 3 "
        "sessions over 28 days",
        "created_at": now,
        "cleared_at": None,
        "acknowledged": False,
        **changes,
    }


def test_server_alerts_show_until_acknowledged_and_the_acknowledgement_syncs(
    browser: Browser, server: AppServer, email: str
) -> None:
    context = new_phone(browser)
    try:
        page = signed_up(context, server.base_url, email)
        cleared = "019aa000-0000-7000-8000-00000000c1ea"
        seen = "019aa000-0000-7000-8000-00000000a5ee"
        server.write_alert(email, ALERT_ID, _alert())
        server.write_alert(
            email, cleared, _alert(kind="volume", cleared_at=int(time.time() * 1000))
        )
        server.write_alert(email, seen, _alert(kind="baseline", acknowledged=True))
        page.reload()  # opening the app pulls
        banner = page.get_by_test_id("alert-banner").get_by_test_id("alert")
        expect(banner).to_have_count(1)
        alert = page.locator(f"[data-testid=alert][data-alert-id='{ALERT_ID}']")
        expect(alert).to_have_attribute("data-kind", "lsi")
        expect(alert).to_have_attribute("data-exercise", EXERCISE)
        expect(alert).to_have_attribute("data-side", "right")
        expect(alert).to_contain_text("84.0 %")
        expect(alert).to_contain_text("Single-leg press")
        alert.get_by_role("link").click()
        page.wait_for_selector("main[data-testid=screen-charts]")
        listed = page.get_by_test_id("chart-alerts").get_by_test_id("alert")
        expect(listed).to_have_count(2)  # standing ones, acknowledged or not
        expect(banner).to_have_count(0)  # once per screen: the chart lists it
        listed.filter(has=page.get_by_test_id("alert-ack")).get_by_test_id("alert-ack").click()
        expect(listed.get_by_test_id("alert-ack")).to_have_count(0)
        tab(page, "log")
        expect(page.get_by_test_id("alert-banner")).to_have_count(0)
        wait_synced(page)
        assert server.field_value(ALERT_ID, "acknowledged") == "true"
    finally:
        context.close()
