"""Clinician sharing in the real app, two browser profiles: a clinician creates a share code,
the patient enters it (typed loosely), sees who will see what and grants the summary; the
clinician's dashboard shows the patient's LSI and imbalance alert, the patient view and the
printable report; the patient sees those reads in "Who viewed my data" and revokes, and the
clinician's next refresh shows the patient gone, with nothing of theirs left on the page.

With SIDEWISE_SCREENSHOT_DIR set (make screenshots) the dashboard at 390 and 1280 px, the
patient view, the report and the patient's log are saved there.
"""

from __future__ import annotations

import asyncio
import os
import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from bench.devices import Stamper, push, push_body, register_device, sign_up
from sync.canon import Scalar
from tests.browser.support import AppServer, signed_up, tab

SHOTS = os.environ.get("SIDEWISE_SCREENSHOT_DIR")
DAY_MS = 86_400_000
WIDE = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# Right single-leg press at 45 kg against the left's 60 kg (LSI 75 %); the left and right leg
# curl and extension, the right hamstrings weak (H:Q 0.50 against the left's 0.64).
SESSIONS: list[tuple[int, str, str, int, float]] = [
    (days_ago, exercise, side, reps, kg)
    for days_ago in (9, 6, 3, 1)
    for exercise, side, reps, kg in (
        ("single-leg-press", "left", 8, 60.0),
        ("single-leg-press", "right", 8, 45.0),
        ("single-leg-extension", "left", 10, 35.0),
        ("single-leg-extension", "right", 10, 30.0),
        ("single-leg-curl", "left", 10, 22.5),
        ("single-leg-curl", "right", 10, 15.0),
    )
]


async def seed_patient(base_url: str, email: str) -> None:
    client = await sign_up(base_url, email)
    try:
        now_ms = int(time.time() * 1000)
        stamper = Stamper(await register_device(client), random.Random(3))
        ops = []
        for n, (days_ago, exercise, side, reps, kg) in enumerate(SESSIONS):
            fields: dict[str, Scalar] = {
                "exercise": exercise,
                "side": side,
                "reps": reps,
                "weight_g": round(kg * 1000),
                "performed_at": now_ms - days_ago * DAY_MS + n * 60_000,
                "note": "Knee felt fine" if n == 1 else None,
            }
            ops += stamper.new_record(fields, now_ms)
        response = await push(client, push_body(stamper.clock.node, ops))
        response.raise_for_status()
    finally:
        await client.aclose()


def shot(page: Page, name: str, full_page: bool = False) -> None:
    if SHOTS:
        page.evaluate("document.activeElement?.blur()")
        page.screenshot(
            path=Path(SHOTS) / f"{name}.png", full_page=full_page, animations="disabled"
        )


def refresh_patients(clinician: Page) -> None:
    clinician.get_by_test_id("patients-refresh").click()
    clinician.locator("[data-testid=patients], [data-testid=no-patients]").first.wait_for()


def test_share_view_log_and_revoke_across_two_browsers(
    phones: Callable[[], BrowserContext], server: AppServer
) -> None:
    # The only test on this module's server: short addresses read well in the screenshots.
    email, patient_email = "hansen@example.com", "alex@example.com"
    # Playwright's sync API holds this thread's event loop: the upload runs in another thread.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, seed_patient(server.base_url, patient_email)).result()

    clinician = signed_up(phones(), server.base_url, email)
    tab(clinician, "settings")
    clinician.get_by_test_id("nav-clinician").click()
    clinician.wait_for_selector("main[data-testid=screen-clinician]")
    expect(clinician.get_by_test_id("no-patients")).to_be_visible()
    clinician.get_by_test_id("clinician-name").fill("Dr Hansen")
    clinician.get_by_test_id("create-code").click()
    code = clinician.get_by_test_id("share-code").inner_text()
    assert len(code) == 14, code

    patient = signed_up(phones(), server.base_url, patient_email, mode="login")
    # The server judged the uploaded history: the imbalance alert reached the patient's phone.
    patient.locator("[data-testid=alert][data-kind=lsi]").first.wait_for()
    tab(patient, "settings")
    patient.get_by_test_id("share-code-input").fill(code.lower().replace("-", " "))
    patient.get_by_test_id("share-code-check").click()
    expect(patient.get_by_test_id("share-who")).to_have_text(f"Dr Hansen <{email}>")
    patient.get_by_test_id("share-scope-summary").check()
    # A double tap sends the single-use code once: one grant, and no "already used" error.
    sent: list[str] = []
    patient.on(
        "request",
        lambda r: sent.append(r.url) if r.method == "POST" and "/sharing/grants" in r.url else None,
    )
    patient.get_by_test_id("share-grant").dblclick()
    expect(patient.get_by_test_id("grant")).to_contain_text("Sees your summary")
    expect(patient.get_by_test_id("grant")).to_have_count(1)
    assert len(sent) == 1, sent
    expect(patient.get_by_test_id("share-error")).to_have_count(0)
    expect(patient.get_by_test_id("hq-flag-right")).to_be_visible()  # 0.50 twice

    refresh_patients(clinician)
    row = clinician.get_by_test_id("patient-row")
    expect(row).to_have_count(1)
    expect(row.get_by_test_id("patient-lsi")).to_contain_text("Single-leg press 75.0 %")
    expect(row.get_by_test_id("patient-alerts")).to_contain_text("Right Single-leg press")
    expect(row).to_contain_text("open alert")
    shot(clinician, "clinician-dashboard-390")
    clinician.set_viewport_size(WIDE)
    shot(clinician, "clinician-dashboard-1280")

    row.get_by_role("link", name=patient_email).click()
    expect(clinician.get_by_test_id("detail-title")).to_have_text(patient_email)
    expect(clinician.get_by_test_id("detail-alerts")).to_contain_text("LSI")
    clinician.wait_for_selector("[data-testid='detail-lsi-single-leg-press'][data-drawn]")
    expect(clinician.get_by_test_id("hq-flag-right")).to_be_visible()
    expect(clinician.get_by_test_id("detail-sets")).to_have_count(0)  # summary scope: no notes
    expect(clinician.locator("main")).not_to_contain_text("Knee felt fine")
    if SHOTS:  # tall enough for the summary and the first charts
        clinician.set_viewport_size({"width": 1280, "height": 1500})
        clinician.wait_for_timeout(300)  # redrawn at the new size
        shot(clinician, "clinician-patient")
        clinician.set_viewport_size(WIDE)

    clinician.get_by_test_id("open-report").click()
    # One line per exercise trained on both sides: press, extension and curl.
    expect(clinician.get_by_test_id("report-trend").locator("polyline")).to_have_count(3)
    clinician.emulate_media(media="print")
    expect(clinician.locator("nav.tabs")).to_be_hidden()
    shot(clinician, "clinician-report", full_page=True)
    clinician.emulate_media(media="screen")

    patient.get_by_test_id("access-log-refresh").click()
    log = patient.get_by_test_id("access-log").locator("li")
    expect(log).to_have_count(4)  # granted, listed, patient view, report
    expect(log.first).to_contain_text(f"Dr Hansen <{email}>: Viewed your summary")
    expect(log.last).to_contain_text("Access granted (summary)")
    patient.locator("#access-log-title").evaluate("title => title.scrollIntoView()")
    shot(patient, "patient-access-log")

    patient.get_by_test_id("grant-revoke").click()
    expect(patient.get_by_test_id("grants-empty")).to_be_visible()
    expect(patient.get_by_test_id("access-log").locator("li").first).to_contain_text(
        "Access revoked"
    )

    # The clinician's next refresh: the patient is gone, from the page and the list.
    clinician.reload()
    expect(clinician.get_by_test_id("report")).to_have_count(0)
    clinician.set_viewport_size(PHONE)
    clinician.evaluate("location.hash = '#/clinician'")
    clinician.wait_for_selector("[data-testid=no-patients]")
    expect(clinician.locator("body")).not_to_contain_text(patient_email)
