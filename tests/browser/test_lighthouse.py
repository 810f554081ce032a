"""Lighthouse 11 (npm `lighthouse`, driving Debian's Chromium) against the running server.

A first visit to `/` must score PWA 1.0, accessibility ≥ 0.95 and performance ≥ 0.95 (mobile
emulation, simulated slow 4G). Lighthouse starts from an empty profile, so that visit shows the
sign-in screen. The performance score is the median of three visits: its simulation scales the
main thread's observed tasks, so one visit beside a busy core can lose a few points of blocking
time (one CI run scored 0.93 where runs on an idle machine score 0.99–1), and Lighthouse's own
guidance on variability is to judge the median of several runs.

Every signed-in screen — with sets, an imbalance alert, a plan, a reminder, a routine, a workout
in progress and a patient's grant on it, so the clinician's dashboard, patient view and report
too — must score accessibility 1 in the dark and the light theme: Lighthouse snapshots them one
after another in one browser (`lighthouse_snapshots.mjs`), which keeps the audit of 24 screens
to about two minutes.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from bench.devices import csrf, sign_up
from sync.canon import Scalar
from tests.browser.support import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    EXERCISE,
    PHONE,
    ROOT,
    TIMEOUT_MS,
    AppServer,
    log_set,
    same_for_other_side,
    signed_up,
    wait_synced,
)

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_PATH = "/usr/bin/chromium"
# Lighthouse launches Chromium itself; the new headless mode renders like a real screen.
LIGHTHOUSE_FLAGS = ["--headless=new", *(f for f in CHROMIUM_FLAGS if f != "--headless")]
FIRST_VISIT = {"pwa": 1.0, "accessibility": 0.95, "performance": 0.95}
FIRST_VISITS = 3
SIGNED_IN_SCREENS = (
    "log",
    "workout",
    "routines",
    "history",
    "charts",
    "sync",
    "settings",
    "injury",
    "reminders",
)
THEMES = ("dark", "light")
SNAPSHOTS = Path(__file__).with_name("lighthouse_snapshots.mjs")
ALERT_ID = "019aa000-0000-7000-8000-0000000011e7"
ALERT_SHOWN = (
    f"[data-testid=alert-banner] [data-testid=alert][data-kind=lsi][data-exercise={EXERCISE}]"
)
# An imbalance alert as the server writes it: a banner on every screen audited.
ALERT: dict[str, Scalar] = {
    "kind": "lsi",
    "exercise": EXERCISE,
    "side": "right",
    "value_x10": 874,
    "window": "2026-10-25/2026-11-21",
    "message": "LSI = weaker ÷ stronger × 100: 87.4 % on 2026-11-21, below 90 % in 2 of 2 "
    "sessions over 28 days",
    "created_at": 1_763_700_000_000,
    "cleared_at": None,
    "acknowledged": False,
}
RUN_TIMEOUT_S = 120
SNAPSHOTS_TIMEOUT_S = 300


def lighthouse(url: str, out: Path, categories: list[str], chrome_flags: list[str]) -> list[str]:
    if not LIGHTHOUSE.exists():
        pytest.fail("Lighthouse is not installed: run `npm ci` (make test does)")
    return [
        str(LIGHTHOUSE),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={out}",
        f"--only-categories={','.join(categories)}",
        f"--chrome-flags={' '.join(chrome_flags)}",
    ]


def lighthouse_env() -> dict[str, str]:
    return {**os.environ, "CHROME_PATH": CHROME_PATH}


def read_report(path: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(path.read_text())
    assert report["lighthouseVersion"].startswith("11."), report["lighthouseVersion"]
    return report


def shortfalls(report: dict[str, Any], floors: dict[str, float]) -> list[str]:
    """Each category under its floor, with the audits that cost it points."""
    found = []
    for name, floor in floors.items():
        category = report["categories"][name]
        if category["score"] is not None and category["score"] >= floor:
            continue
        lost = [
            f"{ref['id']}={report['audits'][ref['id']]['score']}"
            for ref in category["auditRefs"]
            if ref["weight"] > 0 and (report["audits"][ref["id"]]["score"] or 0) < 1
        ]
        found.append(f"{name} {category['score']} < {floor} ({', '.join(lost)})")
    return found


def test_lighthouse_first_visit_scores_pwa_accessibility_and_performance(
    server: AppServer, tmp_path: Path
) -> None:
    reports = []
    for visit in range(FIRST_VISITS):
        out = tmp_path / f"first-visit-{visit}.json"
        command = lighthouse(server.base_url + "/", out, list(FIRST_VISIT), LIGHTHOUSE_FLAGS)
        subprocess.run(command, env=lighthouse_env(), check=True, timeout=RUN_TIMEOUT_S)
        report = read_report(out)
        print("Lighthouse first visit:", {n: report["categories"][n]["score"] for n in FIRST_VISIT})
        reports.append(report)
    steady = {name: floor for name, floor in FIRST_VISIT.items() if name != "performance"}
    assert [shortfalls(report, steady) for report in reports] == [[]] * FIRST_VISITS
    median = median_by(reports, "performance")
    assert shortfalls(median, {"performance": FIRST_VISIT["performance"]}) == []


def median_by(reports: list[dict[str, Any]], category: str) -> dict[str, Any]:
    """The report whose score in ``category`` is the median of an odd number of reports."""
    assert len(reports) % 2 == 1
    ranked = sorted(reports, key=lambda report: report["categories"][category]["score"] or 0)
    return ranked[len(ranked) // 2]


def signed_in_profile(browser: Browser, server: AppServer, directory: Path) -> tuple[Path, int]:
    """A Chromium profile that signed up, logged a few sets per side, received an imbalance
    alert, marked the right leg recovering (so the Injury screen shows a plan and a test set),
    added a reminder and, as a clinician, got a patient's grant, then quit; and that patient's
    id."""
    context = browser.browser_type.launch_persistent_context(
        directory, executable_path=CHROMIUM, args=CHROMIUM_FLAGS, viewport=PHONE
    )
    try:
        context.set_default_timeout(TIMEOUT_MS)
        page = signed_up(context, server.base_url, "lighthouse@example.com")
        page.get_by_test_id("exercise").select_option(EXERCISE)
        # Yesterday and today, the right leg well behind the left: an LSI alert stands.
        now = time.time()
        for days_ago in (1, 0):
            page.clock.set_fixed_time(now - days_ago * 86_400)
            for reps in (10, 9, 8):
                log_set(page, "left", reps, 20)
                same_for_other_side(page, "right", reps - 1, 15)
        wait_synced(page)
        page.goto(f"{server.base_url}/#/injury")
        page.get_by_test_id("injury-limb").select_option("right_leg")
        page.get_by_test_id("injury-status-recovering").check()
        page.get_by_test_id("injury-save").click()
        page.get_by_test_id("test-set").first.wait_for()
        page.goto(f"{server.base_url}/#/reminders")
        page.get_by_test_id("reminder-new").click()
        page.locator(f"[data-testid=reminder-exercise][data-exercise={EXERCISE}]").check()
        page.get_by_test_id("reminder-save").click()
        page.get_by_test_id("reminder").wait_for()
        start_workout(page)
        wait_synced(page)
        # The alert as the server writes it. A server that evaluates these sets raises the same
        # one and keeps a single open record per kind, exercise and side: either way one shows.
        server.write_alert("lighthouse@example.com", ALERT_ID, ALERT)
        page.reload()
        page.wait_for_selector(ALERT_SHOWN)
        page.goto(f"{server.base_url}/#/clinician")
        page.get_by_test_id("create-code").click()
        code = page.get_by_test_id("share-code").inner_text()
        with ThreadPoolExecutor(1) as pool:  # Playwright holds this thread's event loop
            patient = pool.submit(asyncio.run, grant_as_patient(server.base_url, code)).result()
    finally:
        context.close()
    return directory, patient


async def grant_as_patient(base_url: str, code: str) -> int:
    """A patient account that grants the summary with ``code``; its id."""
    client = await sign_up(base_url, "lighthouse-patient@example.com")
    try:
        body = {"code": code, "scope": "summary_sets"}
        response = await client.post("/api/sharing/grants", json=body, headers=csrf(client))
        response.raise_for_status()
        return int((await client.get("/api/me")).json()["id"])
    finally:
        await client.aclose()


def new_routine(page: Any) -> None:
    """A routine "Legs" of the press, saved. One CI run's editor never offered the press (not
    reproduced since); that miss is retried once after a reload, and a second one fails with
    what the screen showed."""
    for attempt in (1, 2):
        page.goto(f"{page.url.split('#')[0]}#/routines")
        if attempt == 2:
            page.reload()
        page.get_by_test_id("routine-new").click()
        page.get_by_test_id("routine-name").fill("Legs")
        try:
            page.locator(f"[data-testid=pick-exercise][data-exercise={EXERCISE}]").first.click()
        except PlaywrightTimeoutError:
            shown = page.locator("main").inner_text()
            assert attempt == 1, f"the routine editor offers no {EXERCISE}:\n{shown}"
            print(f"retrying: the routine editor offered no {EXERCISE}:\n{shown}")
            continue
        page.get_by_test_id("routine-save").click()
        page.get_by_test_id("routine").wait_for()
        return


def start_workout(page: Any) -> None:
    """A routine of the press, started, one pair ticked: the Workout screen mid-session."""
    new_routine(page)
    page.goto(f"{page.url.split('#')[0]}#/workout")
    page.get_by_test_id("start-routine").click()
    for tick in range(2):
        page.get_by_test_id("tick").first.click()
        expect(page.locator("[data-testid=pair-side][data-set-id]")).to_have_count(tick + 1)


def test_lighthouse_signed_in_screens_are_accessible_in_both_themes(
    browser: Browser, server: AppServer, tmp_path: Path
) -> None:
    profile, patient = signed_in_profile(browser, server, tmp_path / "profile")
    screens = (*SIGNED_IN_SCREENS, "clinician", f"clinician/{patient}", f"report/{patient}")
    node = shutil.which("node")
    assert node, "node is missing"
    command = [
        node,
        str(SNAPSHOTS),
        CHROME_PATH,
        str(profile),
        server.base_url,
        ",".join(THEMES),
        ",".join(screens),
    ]
    done = subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=SNAPSHOTS_TIMEOUT_S
    )
    assert done.returncode == 0, done.stderr[-2000:]
    results = json.loads(done.stdout.strip().splitlines()[-1])
    assert [(r["screen"], r["theme"]) for r in results] == [
        (screen, theme) for theme in THEMES for screen in screens
    ]
    failures = []
    for r in results:
        print(f"Lighthouse #/{r['screen']} ({r['theme']}):", r["score"])
        assert r["version"].startswith("11."), r["version"]
        assert r["shown_theme"] == r["theme"]
        assert r["url"].endswith(f"#/{r['screen']}")
        if r["score"] != 1:
            failures.append(f"#/{r['screen']} {r['theme']} {r['score']}: {r['failing']}")
    assert failures == []
