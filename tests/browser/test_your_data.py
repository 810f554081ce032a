"""Your data in the real app: a Strong export imported through Settings, sides assigned in the
preview, both sides charted; the CSV export downloads with its side column; deleting the
account erases it on the server and leaves the app at sign-in."""

from __future__ import annotations

import csv
import io
import os
from datetime import datetime, timedelta
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from bench.devices import PASSWORD
from tests.browser.support import AppServer, new_phone, signed_up, tab, wait_synced
from tests.browser.test_charts import COLOURS, COUNT_COLOUR

EMAIL = "switcher@example.com"
HEADER = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE"
)
# Screenshots of the preview and of Settings → Your data go here when set (make screenshots).
SHOTS = os.environ.get("SIDEWISE_SCREENSHOT_DIR")


def strong_export(path: Path) -> Path:
    """Four recent sessions: a warm-up, then left 80 kg and right 70 kg, alternating."""
    lines = [HEADER]
    for days_ago in (9, 7, 4, 2):
        start = (datetime.now() - timedelta(days=days_ago)).strftime("%Y-%m-%d 18:00:00")
        rows = [("W", 40, 10), ("1", 80, 8), ("2", 70, 8), ("3", 80, 8), ("4", 70, 8)]
        for order, kg, reps in rows:
            lines.append(
                f'{start},"Legs",1h,"Single Leg Press (Machine)",{order},{kg},{reps},0,0,"","",'
            )
        lines.append(f'{start},"Legs",1h,"Single Leg Press (Machine)",Rest Timer,0,0,0,90,"","",')
    path.write_text("\n".join(lines) + "\n")
    return path


def shoot(page: Page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / name), animations="disabled", full_page=False)


def test_import_a_strong_file_chart_both_sides_export_and_delete(
    browser: Browser, server: AppServer, tmp_path: Path
) -> None:
    context = new_phone(browser)
    try:
        page = signed_up(context, server.base_url, EMAIL)
        tab(page, "settings")
        page.get_by_test_id("your-data").scroll_into_view_if_needed()
        shoot(page, "your-data.png")
        page.get_by_test_id("import-file").set_input_files(strong_export(tmp_path / "strong.csv"))
        preview = page.get_by_test_id("import-preview")
        expect(preview).to_be_visible()
        expect(page.get_by_test_id("import-format")).to_have_text("Strong")
        expect(page.get_by_test_id("import-sets")).to_contain_text("20")
        expect(page.get_by_test_id("import-skipped")).to_contain_text("4 rows skipped")
        exercise = page.get_by_test_id("import-exercise")
        expect(exercise).to_have_count(1)
        expect(exercise.get_by_test_id("import-target")).to_have_value("single-leg-press")
        exercise.get_by_test_id("side-left").check()
        exercise.get_by_test_id("side-alternate").check()
        page.evaluate("() => window.scrollTo(0, 0)")
        shoot(page, "import-preview.png")
        page.get_by_test_id("import-confirm").click()
        expect(page.get_by_test_id("import-done")).to_contain_text("Imported 20 sets")
        wait_synced(page)
        sides = server.query(
            "SELECT side, count(*) FROM logged_set GROUP BY side ORDER BY side", ()
        )
        assert sides == [("left", 12), ("right", 8)]  # warm-ups are first: left

        page.goto(server.base_url + "/#/charts/single-leg-press")
        for name in ("e1rm", "lsi", "volume"):
            page.wait_for_selector(f"[data-testid=chart-{name}][data-drawn]", state="attached")
        for side, rgb in COLOURS.items():
            count = page.evaluate(COUNT_COLOUR, ["[data-testid=chart-e1rm]", list(rgb)])
            assert count > 200, f"{side} series colour {rgb} drawn on {count} pixels"

        tab(page, "settings")
        with page.expect_download() as download:
            page.get_by_test_id("export-csv").click()
        rows = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text())))
        assert len(rows) == 20
        assert {row["side"] for row in rows} == {"left", "right"}
        assert sum(row["warmup"] == "yes" for row in rows) == 4

        page.get_by_test_id("delete-open").click()
        page.get_by_test_id("delete-password").fill(PASSWORD)
        page.get_by_test_id("delete-account").click()
        page.wait_for_selector("html[data-app=auth]", state="attached")
        assert server.query("SELECT count(*) FROM account WHERE email = ?", (EMAIL,)) == [(0,)]
        assert server.query("SELECT count(*) FROM logged_set", ()) == [(0,)]
        databases = page.evaluate("() => indexedDB.databases().then((d) => d.map((x) => x.name))")
        assert not [name for name in databases if name.startswith("sidewise-account-")]
    finally:
        context.close()
