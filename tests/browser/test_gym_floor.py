"""What the gym floor found: a set logged after the fact lands on its own day in History and
Charts (read by pressing and holding the chart); weights in lb prefill and step to loadable
ones; names are unique ignoring case; an injury cannot start tomorrow; Log's exercise search
lists recent exercises, then by body part; the weight steps keep one line from 320 px; no screen
change, theme change or resize logs a console error; the manifest's icons load offline."""

from __future__ import annotations

import re
from datetime import date, timedelta

from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.support import (
    EXERCISE,
    AppServer,
    log_set,
    signed_up,
    tab,
    wait_synced,
)
from tests.browser.test_lighthouse import ALERT

SCREENS = (
    "log",
    "workout",
    "history",
    "charts",
    "sync",
    "settings",
    "injury",
    "reminders",
    "clinician",
)


def go(page: Page, screen: str) -> None:
    page.evaluate(f"location.hash = '#/{screen}'")
    page.wait_for_selector(f"main[data-testid=screen-{screen.split('/')[0]}]")


def test_a_backfilled_set_lands_on_its_own_day(
    phones: object, server: AppServer, email: str
) -> None:
    context: BrowserContext = phones()  # type: ignore[operator]
    page = signed_up(context, server.base_url, email)
    page.get_by_test_id("exercise").select_option(EXERCISE)
    log_set(page, "left", 8, 30)
    then = date.today() - timedelta(days=3)
    page.get_by_test_id("when-change").click()
    page.get_by_test_id("when-date").fill(then.isoformat())
    page.get_by_test_id("when-time").fill("07:15")
    log_set(page, "left", 8, 40)
    expect(page.get_by_test_id("saved-status")).to_contain_text(" on ")

    tab(page, "history")
    day = page.locator(f"[data-testid=history-day][data-day='{then.isoformat()}']")
    expect(day.get_by_test_id("set")).to_have_count(1)
    expect(day.get_by_test_id("set")).to_contain_text("8 × 40 kg")
    expect(day.get_by_test_id("set")).to_contain_text("07:15")

    go(page, f"charts/{EXERCISE}")
    plot = page.get_by_test_id("chart-e1rm")
    page.wait_for_selector("[data-testid=chart-e1rm][data-drawn]", state="attached")
    expect(page.get_by_test_id("chart-summary")).to_have_attribute("data-left-e1rm-g", "38000")
    page.evaluate("document.querySelector('[data-testid=chart-e1rm]').scrollIntoView()")
    box = plot.bounding_box()
    assert box is not None
    # Press and hold at the left end of the time axis: the backfilled day's point.
    page.mouse.move(box["x"] + 70, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.wait_for_timeout(600)
    page.mouse.up()
    readout = page.get_by_test_id("chart-e1rm-readout")
    expect(readout).to_contain_text(f"{then.day} ")
    expect(readout).to_contain_text("Left 50.7 kg")  # 40 × (1 + 8/30), one decimal
    wait_synced(page)
    assert [(r, w) for _, _, r, w, _ in server.logged_sets(email)] == [(8, 30_000), (8, 40_000)]


def test_lb_weights_are_loadable_names_unique_injuries_not_future(
    phones: object, server: AppServer, email: str
) -> None:
    context: BrowserContext = phones()  # type: ignore[operator]
    page = signed_up(context, server.base_url, email)
    page.get_by_test_id("exercise").select_option(EXERCISE)
    log_set(page, "left", 8, 80)
    tab(page, "settings")
    page.get_by_test_id("units-lb").check()
    expect(page.get_by_test_id("increment-5")).to_be_checked()
    tab(page, "log")
    page.get_by_test_id("side-right").check()
    page.get_by_test_id("side-left").check()
    weight = page.get_by_test_id("weight")
    expect(weight).to_have_value("175")  # 80 kg is 176.4 lb: no bar loads that
    page.get_by_role("button", name="Heavier").click()
    expect(weight).to_have_value("180")
    page.get_by_test_id("reps").fill("0")
    page.get_by_test_id("save-set").click()
    expect(page.locator("#log-reps-error")).to_contain_text("from 1 to 1000")

    page.get_by_test_id("new-exercise").click()
    page.get_by_test_id("new-exercise-name").fill("single-LEG PRESS")
    page.get_by_test_id("add-exercise").click()
    expect(page.locator("#new-exercise-error")).to_contain_text("already exists")

    go(page, "injury")
    page.get_by_test_id("injury-status-injured").check()
    page.get_by_test_id("injury-since").fill((date.today() + timedelta(days=1)).isoformat())
    page.get_by_test_id("injury-save").click()
    expect(page.locator("#injury-since-error")).to_contain_text("cannot be in the future")
    wait_synced(page)
    assert len(server.logged_sets(email)) == 1
    assert server.query("SELECT count(*) FROM record WHERE record_type != 'set'") == [(0,)]


def search_groups(page: Page) -> list[tuple[str, list[str]]]:
    """(heading, exercise ids) of each group the search lists, in screen order."""
    groups = page.get_by_test_id("exercise-search").evaluate(
        """el => [...el.querySelectorAll('h2')].map(h => [h.textContent,
          [...h.nextElementSibling.querySelectorAll('[data-testid=pick-exercise]')]
            .map(b => b.dataset.exercise)])"""
    )
    return [(heading, ids) for heading, ids in groups]


def test_log_searches_exercises_recent_first_then_by_body_part(
    phones: object, server: AppServer, email: str
) -> None:
    context: BrowserContext = phones()  # type: ignore[operator]
    page = signed_up(context, server.base_url, email)
    page.get_by_test_id("exercise").select_option(EXERCISE)
    log_set(page, "left", 8, 30)
    page.get_by_test_id("new-exercise").click()
    page.get_by_test_id("new-exercise-name").fill("Cossack squat")
    page.get_by_test_id("add-exercise").click()
    custom = page.get_by_test_id("exercise").input_value()
    assert custom != EXERCISE

    page.get_by_test_id("search-exercise").click()
    expect(page.get_by_test_id("exercise-query")).to_be_focused()
    groups = search_groups(page)
    assert [heading for heading, _ in groups] == ["Recent", "Legs", "Arms", "Other"]
    assert groups[0][1] == [EXERCISE]
    assert EXERCISE not in groups[1][1]
    assert "single-leg-curl" in groups[1][1]
    assert custom in groups[1][1]  # a custom leg exercise sits with the catalogue's legs

    page.get_by_test_id("exercise-query").fill("CURL")
    assert search_groups(page) == [
        ("Legs", ["single-leg-curl"]),
        ("Arms", ["single-arm-biceps-curl", "single-arm-hammer-curl", "wrist-curl"]),
    ]
    page.get_by_test_id("exercise-query").fill("cossäck")  # case and accents ignored
    assert search_groups(page) == [("Legs", [custom])]
    page.get_by_test_id("exercise-query").fill("deadlift press")
    expect(page.get_by_test_id("exercise-search")).to_contain_text("No exercise matches")

    page.get_by_test_id("exercise-query").fill("hammer")
    page.get_by_role("button", name="Log Single-arm hammer curl").click()
    expect(page.get_by_test_id("exercise-search")).to_have_count(0)
    expect(page.get_by_test_id("exercise")).to_have_value("single-arm-hammer-curl")
    expect(page.get_by_test_id("save-set")).to_be_visible()

    # Names are unique per account ignoring case and accents, custom ones included.
    page.get_by_test_id("new-exercise").click()
    page.get_by_test_id("new-exercise-name").fill("  COSSACK Squat ")
    page.get_by_test_id("add-exercise").click()
    expect(page.locator("#new-exercise-error")).to_have_text(
        "“Cossack squat” already exists: pick it from the list."
    )
    wait_synced(page)
    assert server.query("SELECT count(*) FROM record WHERE record_type = 'exercise'") == [(1,)]


# Each weight step's label: its row's top and the lines its text takes.
STEP_LABELS = """els => els.map(e => {
  const range = document.createRange();
  range.selectNodeContents(e);
  return [e.textContent.trim(), Math.round(e.getBoundingClientRect().top),
    new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
})"""


def test_weight_steps_keep_one_line_from_320_px(
    phones: object, server: AppServer, email: str
) -> None:
    context: BrowserContext = phones()  # type: ignore[operator]
    page = signed_up(context, server.base_url, email)
    tab(page, "settings")
    expect(page.get_by_test_id("increment-1.25")).to_be_attached()
    for width in (390, 360, 320):
        page.set_viewport_size({"width": width, "height": 844})
        labels = page.locator(".segmented.steps .seg span").evaluate_all(STEP_LABELS)
        assert [text for text, _, _ in labels] == ["0.5", "1", "1.25", "2.5", "5"]
        assert {top for _, top, _ in labels} == {labels[0][1]}, (width, labels)  # one row
        assert [lines for _, _, lines in labels] == [1] * 5, (width, labels)
        overflow = page.evaluate("document.documentElement.scrollWidth - innerWidth")
        assert overflow <= 0, (width, overflow)


def test_no_console_error_on_any_screen_transition(
    phones: object, server: AppServer, email: str
) -> None:
    context: BrowserContext = phones()  # type: ignore[operator]
    page = signed_up(context, server.base_url, email)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    page.get_by_test_id("exercise").select_option(EXERCISE)
    for reps in (8, 7):
        log_set(page, "left", reps, 40)
        log_set(page, "right", reps, 35)
    for scheme in ("dark", "light"):
        page.emulate_media(color_scheme=scheme)
        for screen in SCREENS:
            for other in SCREENS:
                if other == screen:
                    continue
                go(page, screen)
                if screen == "charts":
                    # Leave while the chart draws, and after a resize.
                    page.set_viewport_size({"width": 320, "height": 700})
                    page.set_viewport_size({"width": 390, "height": 844})
                go(page, other)
    page.wait_for_timeout(300)
    assert errors == [], errors
    assert re.search("Charts", page.get_by_test_id("nav-charts").inner_text())


def test_the_manifests_icons_load_offline(phones: object, server: AppServer, email: str) -> None:
    context: BrowserContext = phones()  # type: ignore[operator]
    page = signed_up(context, server.base_url, email)
    icons = page.evaluate(
        "async () => (await (await fetch('/manifest.webmanifest')).json()).icons.map(i => i.src)"
    )
    assert len(icons) == 3
    context.set_offline(True)
    statuses = page.evaluate(
        "async (srcs) => Promise.all(srcs.map(async (s) => {"
        "  try { return (await fetch(s)).status; } catch { return 0; } }))",
        icons,
    )
    assert statuses == [200, 200, 200]


def test_two_alerts_take_one_line_and_show_once(
    phones: object, server: AppServer, email: str
) -> None:
    context: BrowserContext = phones()  # type: ignore[operator]
    page = signed_up(context, server.base_url, email)
    # No sets: the server has nothing to judge, so its evaluation never clears these.
    for n, kind in enumerate(("lsi", "baseline")):
        server.write_alert(
            email, f"019aa000-0000-7000-8000-00000000a1e{n}", {**ALERT, "kind": kind}
        )
    page.reload()
    banner = page.get_by_test_id("alert-banner").get_by_test_id("alert")
    expect(banner).to_have_count(1)  # the second opens under the first
    expect(banner).to_be_visible()
    assert banner.evaluate("e => e.getBoundingClientRect().height") <= 60
    # Save stays on the first screen, above the tab bar, without scrolling.
    page.evaluate("scrollTo(0, 0)")
    save_bottom = page.get_by_test_id("save-set").evaluate("e => e.getBoundingClientRect().bottom")
    tabs_top = page.locator(".tabs").evaluate("e => e.getBoundingClientRect().top")
    assert save_bottom <= tabs_top, (save_bottom, tabs_top)
    page.get_by_test_id("alert-more").click()
    expect(banner).to_have_count(2)
    # The message's dates read like the app's.
    expect(banner.first.locator(".alert-message")).to_contain_text("on Sat 21 Nov")
    # Once per screen: Charts lists them itself, without the banner.
    go(page, f"charts/{EXERCISE}")
    expect(page.get_by_test_id("chart-alerts").get_by_test_id("alert")).to_have_count(2)
    expect(page.get_by_test_id("alert-banner")).to_have_count(0)
