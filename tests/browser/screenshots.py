"""Screenshots of every screen at 390 × 844 in the dark and the light theme, and of Log and
Workout at 320 px wide, and of Settings' account section after a password change
(`make screenshots`).

The account tells a rehab story: the right knee was hurt seven weeks ago and is recovering, so
the right leg lifts less than the left. Nine weeks of earlier sessions and the knee's status
reach the server from another phone; today's sets are logged in the browser, the way a person
logs them between sets ("Save right too" included), then a routine's workout.

    python -m tests.browser.screenshots [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import Page, expect, sync_playwright

from bench.devices import PASSWORD, Stamper, push, push_body, register_device, sign_up
from sync.canon import Scalar
from sync.wire import Op
from tests.browser.support import (
    PHONE,
    ROOT,
    history,
    launch,
    log_set,
    new_phone,
    open_app,
    same_for_other_side,
    sign_in,
    start_server,
    tab,
    wait_synced,
)

EMAIL = "alex@example.com"
DAY_MS = 86_400_000
# (side, reps, kg, RPE, eccentric seconds, note)
Set = tuple[str, int, float, int | None, int | None, str | None]
# Earlier sessions: (days ago, exercise, sets).
EARLIER: list[tuple[int, str, list[Set]]] = [
    (
        3,
        "single-leg-extension",
        [
            ("left", 12, 25.0, 7, None, None),
            ("right", 10, 17.5, 8, None, "Knee a bit stiff"),
            ("left", 12, 25.0, 8, None, None),
            ("right", 10, 17.5, 8, None, None),
        ],
    ),
    (
        1,
        "single-leg-press",
        [
            ("left", 10, 60.0, 7, 3, None),
            ("right", 8, 45.0, 8, 3, None),
            ("left", 10, 60.0, 8, 3, None),
            ("right", 8, 47.5, 8, 3, "No pain"),
            ("left", 9, 62.5, 9, 3, None),
            ("right", 8, 47.5, 9, 3, None),
        ],
    ),
]
# The knee: hurt INJURED_DAYS_AGO; single-leg press twice a week before and after.
INJURED_DAYS_AGO = 52


def press_history() -> list[tuple[int, str, list[Set]]]:
    """Two weeks of both legs at 55 kg; after the injury two weeks of left only (training the
    free limb), then the right leg back from 30 kg, climbing."""
    sessions = []
    for days_ago in range(63, 3, -1):
        if days_ago % 7 not in (2, 5):
            continue
        back = (INJURED_DAYS_AGO - 14 - days_ago) // 7  # weeks since the right leg returned
        left = 55.0 if days_ago > INJURED_DAYS_AGO else 57.5 + 2.5 * (max(back, 0) // 2)
        right = 55.0 if days_ago > INJURED_DAYS_AGO else None if back < 0 else 30.0 + 3.75 * back
        # Weights and reps only: the whole seed stays within one pull page (500 fields).
        sets: list[Set] = [("left", 10, left, None, None, None)] * 2
        if right is not None:
            sets += [("right", 8, round(right / 2.5) * 2.5, None, None, None)] * 2
        sessions.append((days_ago, "single-leg-press", sets))
    return sessions


# Today: (left reps, kg) then "Same for right" adjusted to (reps, kg).
TODAY = [((10, 62.5), (8, 50.0)), ((10, 62.5), (9, 50.0)), ((9, 65.0), (8, 50.0))]


async def seed_earlier_sessions(base_url: str) -> None:
    """The account and its earlier sessions, uploaded by another phone."""
    client = await sign_up(base_url, EMAIL)
    try:
        now_ms = int(time.time() * 1000)
        stamper = Stamper(await register_device(client), random.Random(7))
        ops = knee_status(stamper, now_ms)
        for days_ago, exercise, sets in press_history() + EARLIER:
            start_ms = now_ms - days_ago * DAY_MS
            for i, (side, reps, kg, rpe, eccentric_s, note) in enumerate(sets):
                fields: dict[str, Scalar] = {
                    "exercise": exercise,
                    "side": side,
                    "reps": reps,
                    "weight_g": round(kg * 1000),
                    "rpe_x10": None if rpe is None else rpe * 10,
                    "eccentric_ms": None if eccentric_s is None else eccentric_s * 1000,
                    "note": note,
                    "performed_at": start_ms + i * 150_000,
                }
                ops += stamper.new_record(fields, now_ms)
        response = await push(client, push_body(stamper.clock.node, ops))
        response.raise_for_status()
    finally:
        await client.aclose()


def knee_status(stamper: Stamper, now_ms: int) -> list[Op]:
    """The right leg recovering since the injury: its LSI is involved ÷ uninvolved, and its
    pre-injury best is the chart's baseline."""
    since = datetime.fromtimestamp(now_ms / 1000 - INJURED_DAYS_AGO * 86_400, UTC).date()
    fields: dict[str, Scalar] = {
        "limb": "right_leg",
        "status": "recovering",
        "since": since.isoformat(),
        "sessions_per_week": 3,
    }
    record_id = stamper.new_id(now_ms)
    return [stamper.op(record_id, f, v, now_ms, "limb_status") for f, v in fields.items()]


def log_today(page: Page) -> None:
    page.get_by_test_id("exercise").select_option("single-leg-press")
    for (left_reps, left_kg), (right_reps, right_kg) in TODAY:
        log_set(page, "left", left_reps, left_kg)
        same_for_other_side(page, "right", right_reps, right_kg)
    wait_synced(page)


SCROLL_TO_E1RM = """() => {
  const figure = document.querySelector('[data-testid=chart-e1rm]').closest('figure');
  const tabs = document.querySelector('.tabs').offsetHeight;
  scrollBy(0, figure.getBoundingClientRect().bottom + 12 - (innerHeight - tabs));
}"""


def acknowledge_alerts(page: Page) -> None:
    """The story's imbalance alerts, if the server raised them, seen and acknowledged: the
    screenshots show each screen rather than the banners above it."""
    banner = page.locator("[data-testid=alert-banner] [data-testid=alert]")
    while banner.count() > 0:
        alert_id = banner.first.get_attribute("data-alert-id")
        banner.first.get_by_test_id("alert-ack").click()
        expect(
            page.locator(f"[data-testid=alert-banner] [data-alert-id='{alert_id}']")
        ).to_have_count(0)


def show_charts(page: Page) -> None:
    """Single-leg press drawn, scrolled to the estimated 1RM chart and its legend just above
    the tab bar, the summary above it."""
    for chart in ("e1rm", "lsi", "volume"):
        page.wait_for_selector(f"[data-testid=chart-{chart}][data-drawn]", state="attached")
    page.evaluate(SCROLL_TO_E1RM)


# (limb, days, time, exercises, on): the knee's training, set up on the Reminders screen.
REMINDERS = [
    (
        "right_leg",
        ("mon", "wed", "fri"),
        "07:30",
        ("single-leg-press", "single-leg-extension"),
        True,
    ),
    ("left_leg", ("tue", "sat"), "18:00", ("single-leg-press",), False),
]
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def set_up_reminders(page: Page) -> None:
    """From Settings: the story's reminders and quiet hours at night, typed in like a person."""
    tab(page, "settings")
    page.get_by_test_id("nav-reminders").click()
    page.wait_for_selector("main[data-testid=screen-reminders]")
    for limb, days, at, exercises, on in REMINDERS:
        page.get_by_test_id("reminder-new").click()
        page.get_by_test_id(f"reminder-limb-{limb}").check()
        for day in DAYS:
            page.get_by_test_id(f"reminder-day-{day}").set_checked(day in days)
        page.get_by_test_id("reminder-time").fill(at)
        for exercise in exercises:
            page.locator(f"[data-testid=reminder-exercise][data-exercise={exercise}]").check()
        page.get_by_test_id("reminder-enabled").set_checked(on)
        page.get_by_test_id("reminder-save").click()
        page.get_by_test_id("reminder-saved").filter(has_text="Saved").wait_for()
    page.get_by_test_id("quiet-start").fill("22:00")
    page.get_by_test_id("quiet-end").fill("07:00")
    page.get_by_test_id("quiet-save").click()
    expect(page.get_by_test_id("quiet-status")).to_have_text("Quiet from 22:00 to 07:00.")
    wait_synced(page)
    # The screen as it opens: notifications, then the list.
    page.reload()
    page.get_by_test_id("reminder").first.wait_for()


def change_password(page: Page) -> None:
    """One mistyped attempt, then the change: the security log shows both, newest first."""
    tab(page, "settings")
    for current in ("correct horse battery", PASSWORD):
        page.get_by_test_id("current-password").fill(current)
        page.get_by_test_id("new-password").fill("a much longer passphrase")
        page.get_by_test_id("change-password").click()
        page.locator("[data-testid=password-error], [data-testid=password-changed]").wait_for()
    expect(page.get_by_test_id("password-changed")).to_be_visible()
    expect(page.get_by_test_id("security-log").locator("li")).to_have_count(4)
    page.get_by_test_id("password-changed").evaluate("line => line.scrollIntoView()")


THEMES = ("dark", "light")
NARROW = {"width": 320, "height": 700}


def snap(page: Page, out: Path, name: str, shots: list[Path]) -> None:
    """The screen as it is now, in each theme (the app follows the system's)."""
    page.evaluate("document.activeElement?.blur(); scrollTo(0, 0)")
    for theme in THEMES:
        page.emulate_media(color_scheme=theme)
        if name == "charts":
            page.wait_for_timeout(300)  # redrawn in the theme's colours
            show_charts(page)
        path = out / f"{theme}-{name}.png"
        page.screenshot(path=path, animations="disabled")
        shots.append(path)


def start_routine_workout(page: Page) -> None:
    """A routine of the knee's two exercises, started, its first press pair ticked."""
    tab(page, "workout")
    page.get_by_test_id("nav-routines").click()
    page.get_by_test_id("routine-new").click()
    page.get_by_test_id("routine-name").fill("Knee day")
    for exercise in ("single-leg-press", "single-leg-extension"):
        if not page.get_by_test_id("exercise-query").is_visible():
            page.get_by_test_id("routine-add-exercise").click()
        page.locator(f"[data-testid=pick-exercise][data-exercise={exercise}]").first.click()
    page.get_by_test_id("routine-save").click()
    tab(page, "workout")
    page.get_by_test_id("start-routine").click()
    first = page.get_by_test_id("pair-row").first
    for side in ("left", "right"):
        cell = first.locator(f"[data-testid=pair-side][data-side={side}]")
        cell.get_by_test_id("tick").click()
        expect(cell).to_have_attribute("data-set-id", re.compile(".+"))
    wait_synced(page)


def take(out: Path, base_url: str) -> list[Path]:
    shots: list[Path] = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = new_phone(browser)
        page = open_app(context, base_url)
        sign_in(page, EMAIL, mode="login")
        wait_synced(page)
        assert any("Knee a bit stiff" in s.text for s in history(page)), "earlier sets missing"
        tab(page, "log")
        log_today(page)
        # Log right after a save: the confirmation, "Save left too", today's pairs and the
        # server's imbalance alerts as one line each.
        snap(page, out, "log", shots)
        acknowledge_alerts(page)
        for name in ("history", "charts", "sync", "settings"):
            tab(page, name)
            snap(page, out, name, shots)
        page.get_by_test_id("nav-injury").click()
        page.wait_for_selector("main[data-testid=screen-injury]")
        snap(page, out, "injury", shots)
        set_up_reminders(page)
        snap(page, out, "reminders", shots)
        start_routine_workout(page)
        snap(page, out, "workout", shots)
        page.set_viewport_size(NARROW)
        page.evaluate("scrollTo(0, 0)")
        snap(page, out, "workout-320", shots)
        tab(page, "log")
        snap(page, out, "log-320", shots)
        page.set_viewport_size(PHONE)
        page.evaluate("location.hash = '#/routines'")
        page.wait_for_selector("main[data-testid=screen-routines]")
        snap(page, out, "routines", shots)
        tab(page, "workout")
        page.get_by_test_id("finish-workout").click()
        page.get_by_test_id("workout-summary").wait_for()
        wait_synced(page)
        snap(page, out, "summary", shots)
        change_password(page)
        path = out / "account.png"
        page.screenshot(path=path, animations="disabled")
        shots.append(path)
        browser.close()
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="sidewise-shots-") as tmp:
        server = start_server(Path(tmp))
        try:
            asyncio.run(seed_earlier_sessions(server.base_url))
            for path in take(args.out, server.base_url):
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        finally:
            server.close()


if __name__ == "__main__":
    main()
