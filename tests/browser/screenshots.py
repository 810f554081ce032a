"""Screenshots of the Log, History and Sync screens at 390 × 844 (`make screenshots`).

The account tells a rehab story: the right knee is recovering, so the right leg lifts less than
the left. Two earlier sessions reach the server from another phone; today's sets are logged in
the browser, the way a person logs them between sets ("Same for right" included).

    python -m tests.browser.screenshots [--out docs/screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from bench.devices import Stamper, push, push_body, register_device, sign_up
from sync.canon import Scalar
from tests.browser.support import (
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
Set = tuple[str, int, float, int, int | None, str | None]
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
# Today: (left reps, kg) then "Same for right" adjusted to (reps, kg).
TODAY = [((10, 62.5), (8, 50.0)), ((10, 62.5), (9, 50.0)), ((9, 65.0), (8, 50.0))]


async def seed_earlier_sessions(base_url: str) -> None:
    """The account and its earlier sessions, uploaded by another phone."""
    client = await sign_up(base_url, EMAIL)
    try:
        now_ms = int(time.time() * 1000)
        stamper = Stamper(await register_device(client), random.Random(7))
        ops = []
        for days_ago, exercise, sets in EARLIER:
            start_ms = now_ms - days_ago * DAY_MS
            for i, (side, reps, kg, rpe, eccentric_s, note) in enumerate(sets):
                fields: dict[str, Scalar] = {
                    "exercise": exercise,
                    "side": side,
                    "reps": reps,
                    "weight_g": round(kg * 1000),
                    "rpe_x10": rpe * 10,
                    "eccentric_ms": None if eccentric_s is None else eccentric_s * 1000,
                    "note": note,
                    "performed_at": start_ms + i * 150_000,
                }
                record_id = stamper.new_id(now_ms)
                ops += [
                    stamper.op(record_id, field, value, now_ms)
                    for field, value in fields.items()
                    if value is not None
                ]
        response = await push(client, push_body(stamper.clock.node, ops))
        response.raise_for_status()
    finally:
        await client.aclose()


def log_today(page: Page) -> None:
    page.get_by_test_id("exercise").select_option("single-leg-press")
    for (left_reps, left_kg), (right_reps, right_kg) in TODAY:
        log_set(page, "left", left_reps, left_kg)
        same_for_other_side(page, "right", right_reps, right_kg)
    wait_synced(page)


def take(out: Path, base_url: str) -> list[Path]:
    shots = []
    with sync_playwright() as playwright:
        browser = launch(playwright)
        context = new_phone(browser)
        page = open_app(context, base_url)
        sign_in(page, EMAIL, mode="login")
        wait_synced(page)
        assert len(history(page)) == sum(len(sets) for _, _, sets in EARLIER)
        tab(page, "log")
        log_today(page)
        # Log right after a save: the confirmation, "Same for left" and today's pairs show.
        for name in ("log", "history", "sync"):
            if name != "log":
                tab(page, name)
            page.evaluate("document.activeElement?.blur()")
            path = out / f"{name}.png"
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
