"""A routine of two unilateral exercises logged as a workout at 390 × 844, counting real taps:
every left+right pair takes two taps, prefilled from last time with those values shown before
the first tap; a new routine's typing starts in its name; the summary counts sets and volume
per side; History shows the pairs and the server's `logged_set` holds them. A double tap saves
one side once. The rest timer's end stays silent, without a console message, until the page has
had a user gesture, and beeps after."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import BrowserContext, CDPSession, Locator, Page, expect

from tests.browser.support import (
    EXERCISE,
    AppServer,
    log_set,
    signed_up,
    tab,
    wait_synced,
)

PRESS = "single-leg-press"
CURL = "single-leg-curl"
# Last time, per exercise: (left reps, left kg, right reps, right kg) for each pair.
LAST_TIME = {PRESS: [(8, 60, 8, 50), (7, 60, 7, 50)], CURL: [(10, 25, 10, 20), (9, 25, 9, 20)]}


class Taps:
    """Real clicks through Playwright, counted."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, target: Locator) -> None:
        target.click()
        self.count += 1


def log_last_time(page: Page) -> None:
    for exercise, pairs in LAST_TIME.items():
        page.get_by_test_id("exercise").select_option(exercise)
        for left_reps, left_kg, right_reps, right_kg in pairs:
            log_set(page, "left", left_reps, left_kg)
            log_set(page, "right", right_reps, right_kg)


def open_new_routine(page: Page) -> None:
    tab(page, "workout")
    page.get_by_test_id("nav-routines").click()
    page.get_by_test_id("routine-new").click()


def make_routine(page: Page) -> None:
    open_new_routine(page)
    # Typing starts in the name, though the search is open below it; the search takes the focus
    # when a tap opens it.
    expect(page.get_by_test_id("routine-name")).to_be_focused()
    page.get_by_test_id("routine-name").fill("Legs A")
    for query, exercise in (("LEG PRESS", PRESS), ("leg curl", CURL)):
        search = page.get_by_test_id("exercise-query")
        if not search.is_visible():
            page.get_by_test_id("routine-add-exercise").click()
            expect(search).to_be_focused()
        search.fill(query)
        page.locator(f"[data-testid=pick-exercise][data-exercise={exercise}]").first.click()
        item = page.locator(f"[data-testid=routine-item][data-exercise={exercise}]")
        item.get_by_role("button", name=re.compile("One row fewer")).click()  # 3 → 2 rows
        expect(item).to_contain_text("2 rows")
    page.get_by_test_id("routine-save").click()
    expect(page.get_by_test_id("routine")).to_have_count(1)


def test_routine_workout_logs_each_pair_with_two_taps(
    phones: object, server: AppServer, email: str
) -> None:
    context: BrowserContext = phones()  # type: ignore[operator]
    page = signed_up(context, server.base_url, email)
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_last_time(page)
    make_routine(page)
    tab(page, "workout")
    page.get_by_test_id("start-routine").click()
    blocks = page.get_by_test_id("workout-exercise")
    expect(blocks).to_have_count(2)

    taps = Taps()
    for exercise, pairs in LAST_TIME.items():
        block = page.locator(f"[data-testid=workout-exercise][data-exercise={exercise}]")
        rows = block.get_by_test_id("pair-row")
        expect(rows).to_have_count(len(pairs))
        for i, (left_reps, left_kg, right_reps, right_kg) in enumerate(pairs):
            row = rows.nth(i)
            # Last time's pair is on screen, and prefilled, before the first tap.
            expect(row.get_by_test_id("previous")).to_contain_text(
                f"L {left_reps} × {left_kg} kg · R {right_reps} × {right_kg} kg"
            )
            before = taps.count
            for side, reps, kg in (("left", left_reps, left_kg), ("right", right_reps, right_kg)):
                cell = row.locator(f"[data-testid=pair-side][data-side={side}]")
                expect(cell.get_by_test_id("pair-reps")).to_have_value(str(reps))
                expect(cell.get_by_test_id("pair-weight")).to_have_value(str(kg))
                taps(cell.get_by_test_id("tick"))
                expect(cell).to_have_attribute("data-set-id", re.compile(".+"))
                expect(cell).to_contain_text(f"{reps} × {kg} kg")
            assert taps.count - before == 2
    expect(page.get_by_test_id("rest-timer")).to_be_visible()
    assert taps.count == 8

    page.get_by_test_id("finish-workout").click()
    summary = page.get_by_test_id("workout-summary")
    expect(summary).to_be_visible()
    for exercise, pairs in LAST_TIME.items():
        row = summary.locator(f"[data-testid=summary-row][data-exercise={exercise}]")
        expect(row).to_have_attribute("data-left-sets", "2")
        expect(row).to_have_attribute("data-right-sets", "2")
        left_volume = sum(r * kg * 1000 for r, kg, _, _ in pairs)
        right_volume = sum(r * kg * 1000 for _, _, r, kg in pairs)
        expect(row).to_have_attribute("data-left-volume", str(left_volume))
        expect(row).to_have_attribute("data-right-volume", str(right_volume))
    # Same numbers as last time: no new bests.
    expect(page.get_by_test_id("no-bests")).to_be_visible()

    # History pairs today's workout sets: each exercise shows 4 rows (last time's 2 + 2).
    tab(page, "history")
    for exercise in LAST_TIME:
        shown = page.locator(
            f"[data-testid=history-exercise][data-exercise={exercise}] [data-testid=set]"
        )
        expect(shown).to_have_count(8)
    wait_synced(page)
    rows = server.query(
        "SELECT s.exercise, s.side, s.reps, s.weight_g FROM logged_set s"
        " JOIN account a ON a.id = s.account_id WHERE a.email = ? ORDER BY s.set_id",
        (email,),
    )
    workout_rows = rows[8:]  # set ids are time-ordered: the workout's come last
    expected = [
        (exercise, side, reps, kg * 1000)
        for exercise, pairs in LAST_TIME.items()
        for left_reps, left_kg, right_reps, right_kg in pairs
        for side, reps, kg in (("left", left_reps, left_kg), ("right", right_reps, right_kg))
    ]
    assert workout_rows == expected
    in_workout = server.query(
        "SELECT count(*) FROM field_state WHERE field = 'workout' AND value != 'null'"
    )
    assert in_workout == [(8,)]
    assert errors == []


def test_double_tap_saves_one_set(phones: object, server: AppServer, email: str) -> None:
    context: BrowserContext = phones()  # type: ignore[operator]
    page = signed_up(context, server.base_url, email)
    page.get_by_test_id("exercise").select_option(PRESS)
    page.get_by_test_id("reps").fill("8")
    page.get_by_test_id("weight").fill("40")
    # Two taps a moment apart: the first save has finished when the second lands.
    save = page.get_by_test_id("save-set")
    save.click()
    expect(page.get_by_test_id("saved-status")).to_contain_text("Saved left set: 8 × 40 kg")
    page.wait_for_timeout(150)
    save.click()
    page.wait_for_timeout(300)
    # And on a workout's tick.
    tab(page, "workout")
    page.get_by_test_id("start-empty").click()
    page.get_by_test_id("add-exercise-to-workout").click()
    page.locator(f"[data-testid=pick-exercise][data-exercise={PRESS}]").first.click()
    cell = page.locator("[data-testid=pair-side][data-side=right][data-row='0']")
    box = cell.get_by_test_id("tick").bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x, y)
    expect(cell).to_have_attribute("data-set-id", re.compile(".+"))
    page.wait_for_timeout(150)
    page.mouse.click(x, y)  # the same spot again: the tick became the saved set
    page.wait_for_timeout(300)
    expect(cell).to_have_attribute("data-set-id", re.compile(".+"))
    wait_synced(page)
    assert [(side, reps) for _, side, reps, _, _ in server.logged_sets(email)] == [
        ("left", 8),
        ("right", 8),
    ]


# Counts what the page asks of the speaker and the vibration motor.
SOUND_PROBE = """
window.__sound = { contexts: 0, beeps: 0, vibrations: 0, state: null };
const RealContext = window.AudioContext;
window.AudioContext = class extends RealContext {
  constructor(...args) { super(...args); window.__sound.contexts += 1; }
  createOscillator() {
    const osc = super.createOscillator();
    const start = osc.start.bind(osc);
    osc.start = (...args) => {
      window.__sound.beeps += 1;
      window.__sound.state = this.state;
      return start(...args);
    };
    return osc;
  }
};
const vibrate = navigator.vibrate.bind(navigator);
navigator.vibrate = (pattern) => { window.__sound.vibrations += 1; return vibrate(pattern); };
"""
# A one-second rest started and run out by the page itself (no gesture), as the app does.
REST_RUNS_OUT = """(async () => {
  while (document.documentElement.dataset.app !== 'app') await new Promise(r => setTimeout(r, 50));
  const base = document.querySelector('script[type=module]').src.replace(/js\\/main\\.js$/, '');
  const rest = await import(base + 'js/training/rest.js');
  rest.startRest('EXERCISE', 1);
  while (rest.restState()) await new Promise(r => setTimeout(r, 50));
  await new Promise(r => setTimeout(r, 100));
  return { active: navigator.userActivation.hasBeenActive, ...window.__sound };
})()""".replace("EXERCISE", EXERCISE)


def without_gesture(cdp: CDPSession, expression: str) -> Any:
    """Evaluate as the page's own script: Playwright's evaluate and waits count as gestures."""
    answer = cdp.send(
        "Runtime.evaluate",
        {
            "expression": expression,
            "awaitPromise": True,
            "returnByValue": True,
            "userGesture": False,
        },
    )
    return answer["result"]["value"]


def test_rest_timer_sounds_only_after_a_gesture(
    phones: object, server: AppServer, email: str
) -> None:
    context: BrowserContext = phones()  # type: ignore[operator]
    context.add_init_script(SOUND_PROBE)
    page = signed_up(context, server.base_url, email)
    cdp = context.new_cdp_session(page)
    messages: list[str] = []
    cdp.on(
        "Log.entryAdded", lambda e: messages.append(f"{e['entry']['level']}: {e['entry']['text']}")
    )
    cdp.send("Log.enable")
    messages.clear()  # what the page logged before (enabling replays it)
    page.on("console", lambda m: messages.append(f"{m.type}: {m.text}"))
    page.reload()  # a new page: no gesture yet

    before = without_gesture(cdp, REST_RUNS_OUT)
    assert before == {"active": False, "contexts": 0, "beeps": 0, "vibrations": 0, "state": None}
    page.get_by_test_id("nav-log").click()  # a real tap
    after = without_gesture(cdp, REST_RUNS_OUT)
    assert after == {"active": True, "contexts": 1, "beeps": 1, "vibrations": 1, "state": "running"}
    page.wait_for_timeout(500)
    assert [m for m in messages if m.startswith(("warning", "error"))] == []


def test_a_routines_errors_point_at_what_is_wrong(
    phones: object, server: AppServer, email: str
) -> None:
    context: BrowserContext = phones()  # type: ignore[operator]
    page = signed_up(context, server.base_url, email)
    open_new_routine(page)
    name = page.get_by_test_id("routine-name")
    error = page.get_by_role("alert")
    page.get_by_test_id("routine-save").click()
    expect(error).to_have_text("Give the routine a name of up to 80 characters.")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_attribute("aria-describedby", "routine-error")

    name.fill("Legs A")
    page.get_by_test_id("routine-save").click()
    expect(error).to_have_text("Add at least one exercise.")
    expect(name).to_have_attribute("aria-invalid", "false")
    page.locator(f"[data-testid=pick-exercise][data-exercise={PRESS}]").first.click()
    expect(error).to_have_count(0)
    page.get_by_test_id("routine-save").click()
    expect(page.get_by_test_id("routine")).to_have_count(1)
