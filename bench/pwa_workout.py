"""The Workout screen at scale, in the same Chromium run as `bench.pwa`: 12 exercises × 8
left/right pairs, each prefilled from a previous session of 192 sets.

First render: from Log, the hash changes to Workout until every exercise card is on screen
(the next frame). One tick: a side's ✓ clicked from inside the page until that side shows as
saved (the next frame); the app's `sidewise:save-side` measure is printed too. Both beside the
no-op tap of the same run.
"""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page

from bench.stats import median, percentile
from tests.browser.support import wait_synced

EXERCISES = 12
PAIRS = 8

# The app's own modules (same URLs as the page's, so the same store): a previous session of
# every exercise, then a workout started with all of them.
SEED = """async ([exercises, pairs]) => {
  const base = document.querySelector('script[type=module]').src.replace(/js\\/main\\.js$/, '');
  const store = await import(base + 'js/store.js');
  const actions = await import(base + 'js/training/actions.js');
  const ids = (await (await fetch('/api/catalogue')).json()).map((e) => e.id).slice(0, exercises);
  const earlier = Date.now() - 2 * 86400000;
  let i = 0;
  for (const exercise of ids) {
    for (let p = 0; p < pairs; p++) {
      for (const side of ['left', 'right']) {
        await store.logSet({ exercise, side, reps: 8, weight_g: 40000 + p * 2500,
          performed_at: earlier + i++ * 1000 });
      }
    }
  }
  const items = ids.map((exercise) => ({ exercise, rows: pairs }));
  await actions.startWorkout({ name: 'Bench', items });
  return ids.length;
}"""
FIRST_RENDER = """async (count) => {
  location.hash = '#/log';
  await new Promise((r) => setTimeout(r, 50));
  const started = performance.now();
  location.hash = '#/workout';
  await new Promise((resolve) => {
    const check = () => document.querySelectorAll('[data-testid=workout-exercise]').length === count
      ? resolve() : requestAnimationFrame(check);
    check();
  });
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  return performance.now() - started;
}"""
ONE_TICK = """async (n) => {
  const rows = document.querySelectorAll('[data-testid=pair-row]');
  const row = rows[Math.floor(n / 2)];
  const side = n % 2 ? 'right' : 'left';
  const done = () => row.querySelector(`[data-side=${side}][data-set-id]`);
  const saved = new Promise((resolve) => {
    const watch = new MutationObserver(() => { if (done()) { watch.disconnect(); resolve(); } });
    watch.observe(row, { childList: true, subtree: true, attributes: true });
  });
  const started = performance.now();
  row.querySelector(`[data-side=${side}] [data-testid=tick]`).click();
  await saved;
  await new Promise((resolve) => requestAnimationFrame(() => resolve()));
  return performance.now() - started;
}"""
LAST_SIDE_MS = "performance.getEntriesByName('sidewise:save-side').at(-1).duration"


def workout(
    context: BrowserContext, page: Page, ticks: int, slowdown: float
) -> list[tuple[str, float]]:
    """(name, median ms) of first render and one tick, at the page's CPU slowdown."""
    assert page.evaluate(SEED, [EXERCISES, PAIRS]) == EXERCISES
    wait_synced(page)
    if slowdown > 1:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": slowdown})
    renders = [float(page.evaluate(FIRST_RENDER, EXERCISES)) for _ in range(5)]
    shown: list[float] = []
    stored: list[float] = []
    for n in range(ticks):
        shown.append(float(page.evaluate(ONE_TICK, n)))
        stored.append(float(page.evaluate(LAST_SIDE_MS)))
        wait_synced(page)
    print(
        f"  workout {EXERCISES} × {PAIRS} pairs: first render p95 "
        f"{percentile(renders, 95):.1f} ms; "
        f"tick on screen p95 {percentile(shown, 95):.1f}, app measure median {median(stored):.1f}"
    )
    return [
        (f"workout {EXERCISES}×{PAIRS}, first render", median(renders)),
        (f"workout {EXERCISES}×{PAIRS}, one tick", median(shown)),
    ]
