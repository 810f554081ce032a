"""The web app in Debian's Chromium at 390 × 844: offline cold start, tap to saved, shell bytes.

    python -m bench.pwa [--runs 15] [--taps 30] [--cpu-slowdown 1]

Offline cold start to interactive: a signed-in phone, offline, its service worker stopped (as
after a while in the pocket), opens the app in a new tab; the figure is the `sidewise:app` mark
(first screen with the account's data, ms after navigation start). Baseline: the same cold
worker and offline path serving a static file of the shell (an icon) as the whole page, until
its load event. The same start with the worker still running is printed too.

Tap to saved: the Save button clicked from inside the page, until "Saved …" is on screen (the
next frame after the text changed); the app's own `sidewise:save-set` measure (submit handler
to stored in IndexedDB and shown) is printed too. Online, one save at a time, each followed by
its upload. Baseline: a click on an element with no handler, until the next frame.

App shell bytes, first visit: what a byte-counting relay in front of the server sent a fresh
browser until the app showed and its service worker had precached the shell, minus the API
answers. Baseline: the same shell files uncompressed.

`--cpu-slowdown 4` makes Chromium run the page 4× slower (DevTools CPU throttling), roughly a
mid-range phone. Goals: ≤ 1,000 ms, ≤ 30 ms, ≤ 150 KB. `bench/pwa_workout.py` adds the
Workout screen with 12 exercises × 8 pairs: first render (goal ≤ 500 ms) and one tick (≤ 30 ms).
"""

from __future__ import annotations

import argparse
import tempfile
from dataclasses import dataclass
from pathlib import Path

import httpx
from playwright.sync_api import BrowserContext, Page, Request, sync_playwright

from bench.pwa_proxy import CountingProxy
from bench.pwa_workout import workout
from bench.stats import median, percentile
from tests.browser.support import (
    EXERCISE,
    SW_READY,
    launch,
    new_phone,
    open_app,
    signed_up,
    start_server,
    wait_synced,
)

GOAL_COLD_MS = 1000.0
GOAL_TAP_MS = 30.0
GOAL_RENDER_MS = 500.0
GOAL_SHELL_KB = 150.0
KB = 1000

# Click Save, wait for the confirmation text to change, then for the frame that shows it.
TAP_TO_SAVED = """async () => {
  const status = document.querySelector('[data-testid=saved-status]');
  const before = status.textContent;
  const changed = new Promise((resolve) => {
    const watch = new MutationObserver(() => {
      if (status.textContent !== before) { watch.disconnect(); resolve(); }
    });
    watch.observe(status, { childList: true, subtree: true, characterData: true });
  });
  const started = performance.now();
  document.querySelector('[data-testid=save-set]').click();
  await changed;
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  return performance.now() - started;
}"""
NO_OP_TAP = """async () => {
  const started = performance.now();
  document.querySelector('.brand').click();
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  return performance.now() - started;
}"""
LAST_SAVE_MS = "performance.getEntriesByName('sidewise:save-set').at(-1).duration"
APP_MARK_MS = "performance.getEntriesByName('sidewise:app')[0].startTime"
LOAD_END_MS = "performance.getEntriesByType('navigation')[0].loadEventEnd"


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    baseline: float
    baseline_name: str
    goal: float

    def line(self) -> str:
        ratio = self.value / self.baseline if self.baseline else float("nan")
        verdict = "met" if self.value <= self.goal else "MISSED"
        return (
            f"{self.name:<34} {self.value:>9.1f} {self.unit:<3} | {self.baseline_name} "
            f"{self.baseline:.1f} {self.unit} (×{ratio:.2f}) | goal ≤ {self.goal:,.0f} "
            f"{self.unit}: {verdict}"
        )


def throttled_page(context: BrowserContext, slowdown: float, *, stop_workers: bool) -> Page:
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    if stop_workers:
        cdp.send("ServiceWorker.enable")
        cdp.send("ServiceWorker.stopAllWorkers")
    if slowdown > 1:
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    return page


def cold_starts(context: BrowserContext, base_url: str, runs: int, slowdown: float) -> Figure:
    """Offline, alternate: the app from a stopped worker, the app from a running one, and the
    static-file baseline from a stopped worker."""
    icon = httpx.get(base_url + "/").text.split('rel="icon" type="image/png" href="')[1]
    icon = icon.split('"')[0]
    app: list[float] = []
    static: list[float] = []
    warm: list[float] = []
    context.set_offline(True)
    for _ in range(runs):
        for stop, into in ((True, app), (False, warm)):
            page = throttled_page(context, slowdown, stop_workers=stop)
            page.goto(base_url + "/")
            page.wait_for_selector("html[data-app=app]", state="attached")
            into.append(float(page.evaluate(APP_MARK_MS)))
            page.close()
        page = throttled_page(context, slowdown, stop_workers=True)
        response = page.goto(base_url + icon)
        assert response is not None
        assert response.from_service_worker, "the icon did not come from the worker"
        static.append(float(page.evaluate(LOAD_END_MS)))
        page.close()
    context.set_offline(False)
    print(
        f"  offline start ms: app p95 {percentile(app, 95):.0f}, static p95 "
        f"{percentile(static, 95):.0f}; app with the worker still running: median "
        f"{median(warm):.0f}, p95 {percentile(warm, 95):.0f}"
    )
    return Figure(
        "offline cold start to interactive",
        median(app),
        "ms",
        median(static),
        "static icon page, same cold worker",
        GOAL_COLD_MS,
    )


def workout_figures(
    context: BrowserContext, page: Page, ticks: int, slowdown: float
) -> list[Figure]:
    idle = [float(page.evaluate(NO_OP_TAP)) for _ in range(ticks)]
    return [
        Figure(
            name,
            value,
            "ms",
            median(idle),
            "no-op tap",
            GOAL_TAP_MS if "tick" in name else GOAL_RENDER_MS,
        )
        for name, value in workout(context, page, ticks, slowdown)
    ]


def taps(context: BrowserContext, page: Page, count: int, slowdown: float) -> list[Figure]:
    if slowdown > 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    page.get_by_test_id("exercise").select_option(EXERCISE)
    page.get_by_test_id("side-left").check()
    page.get_by_test_id("weight").fill("20")
    shown: list[float] = []
    stored: list[float] = []
    idle: list[float] = []
    for i in range(count):
        page.get_by_test_id("reps").fill(str(5 + i % 10))
        wait_synced(page)
        shown.append(float(page.evaluate(TAP_TO_SAVED)))
        stored.append(float(page.evaluate(LAST_SAVE_MS)))
        idle.append(float(page.evaluate(NO_OP_TAP)))
    print(
        f"  tap to saved ms: on screen p95 {percentile(shown, 95):.1f}, "
        f"app measure p95 {percentile(stored, 95):.1f}"
    )
    return [
        Figure(
            "tap to saved, on screen", median(shown), "ms", median(idle), "no-op tap", GOAL_TAP_MS
        ),
        Figure(
            "tap to saved, app measure",
            median(stored),
            "ms",
            median(idle),
            "no-op tap",
            GOAL_TAP_MS,
        ),
    ]


def first_visit_bytes(context: BrowserContext, proxy: CountingProxy, base_url: str) -> Figure:
    """Bytes on the wire for a first visit, split into shell and API by the browser's events."""
    api: dict[str, int] = {}
    shell_urls: set[str] = set()

    def finished(request: Request) -> None:
        path = request.url.removeprefix(f"http://{proxy.host}")
        if path.startswith("/api/"):
            sizes = request.sizes()
            api[f"{path} {id(request)}"] = max(
                0, sizes["responseBodySize"] + sizes["responseHeadersSize"]
            )
        else:
            shell_urls.add(path)

    context.on("requestfinished", finished)
    proxy.take()
    page = open_app(context, f"http://{proxy.host}")
    page.wait_for_selector(SW_READY, state="attached")
    page.wait_for_load_state("networkidle")
    total = proxy.take()
    page.close()
    shell = total - sum(api.values())
    raw = sum(
        len(httpx.get(base_url + path, headers={"accept-encoding": "identity"}).content)
        for path in shell_urls
    )
    print(
        f"  first visit: {total / KB:.1f} KB on the wire, of which API answers "
        f"{sum(api.values()) / KB:.1f} KB; {len(shell_urls)} shell URLs"
    )
    return Figure(
        "app shell bytes, first visit",
        shell / KB,
        "KB",
        raw / KB,
        "same files uncompressed (bodies)",
        GOAL_SHELL_KB,
    )


def run(runs: int, tap_count: int, slowdown: float) -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="sidewise-bench-pwa-") as tmp, CountingProxy() as proxy:
        server = start_server(Path(tmp), extra_hosts=(proxy.host,))
        proxy.upstream_port = server.port
        try:
            with sync_playwright() as playwright:
                browser = launch(playwright)
                print(f"Chromium {browser.version}, 390 × 844, CPU slowdown {slowdown:g}×")
                figures = [first_visit_bytes(new_phone(browser), proxy, server.base_url)]
                phone = new_phone(browser)
                page = signed_up(phone, server.base_url, "bench@example.com")
                figures += taps(phone, page, tap_count, slowdown)
                page.close()
                # A fresh account: the workout's 192 sets beside nothing else.
                gym = new_phone(browser)
                page = signed_up(gym, server.base_url, "bench-workout@example.com")
                figures += workout_figures(gym, page, 16, slowdown)
                gym.close()
                figures.insert(0, cold_starts(phone, server.base_url, runs, slowdown))
                browser.close()
        finally:
            server.close()
    return figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="cold starts (and baselines)")
    parser.add_argument("--taps", type=int, default=30, help="sets saved")
    parser.add_argument("--cpu-slowdown", type=float, default=1.0)
    args = parser.parse_args(argv)
    figures = run(args.runs, args.taps, args.cpu_slowdown)
    print(f"\nmedians ({args.runs} cold starts, {args.taps} taps):")
    for figure in figures:
        print(figure.line())


if __name__ == "__main__":
    main()
