"""Chart query for one exercise: 50,000 sets of one user among 1,000,000 ``logged_set`` rows.

Compares, in the same run and on the same SQLite file (WAL, like the server):
- the server's path: ``Charts.chart``, a range read from the daily aggregate ``set_daily``, all of
  history from the weekly one ``set_weekly`` (a row per week holding its daily bests);
- every range from ``set_daily``, bests and weekly volumes built per request (the path before
  ``set_weekly``);
- the same chart from a plain ``GROUP BY`` over ``logged_set`` (its existing index);
- the same ``GROUP BY`` with a covering index (account, exercise, time, side, reps, weight).

Each figure is the p95 of repeated queries, printed as a ratio to the GROUP BY scan. Ranges: all
of the user's history (2,500 days) and the last 12 weeks (what the app shows first).

    python -m bench.charts [--rows 1000000] [--user-sets 50000] [--repeat 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from pathlib import Path

from backend.db import insight_store
from backend.db.connection import Connection
from backend.db.daily_rows import COLUMNS, row_of
from backend.db.engine import Database
from backend.db.migrate import upgrade
from backend.db.weekly import COLUMNS as WEEK_COLUMNS
from backend.db.weekly import rows_of as weekly_rows
from backend.domain.charts import chart
from backend.domain.strength import (
    DailyBest,
    DayFigures,
    SetEntry,
    WeeklyVolume,
    bests_of,
    daily_figures,
    week_start,
    weeks_of,
)
from backend.services.charts import Charts
from bench.stats import median, percentile

EXERCISE = "single-leg-press"
OTHER_EXERCISES = ("single-arm-biceps-curl", "split-squat", "single-leg-curl", "step-up")
DAY_MS = 86_400_000
FIRST_DAY_MS = 1_577_901_600_000  # 2020-01-01 18:00 UTC
USER = 1

# Per (day, side): the heaviest Epley estimate and the volume, computed by SQLite from the sets.
GROUP_BY = (
    "SELECT date(performed_at_ms / 1000, 'unixepoch') AS day, side, "
    "MAX(CASE WHEN reps = 1 THEN weight_g ELSE (weight_g * (30 + reps) * 2 + 30) / 60 END), "
    "SUM(weight_g * reps), MAX(reps) "
    "FROM logged_set WHERE account_id = ? AND exercise = ? AND side IN ('left', 'right') "
    "AND reps >= 1 AND performed_at_ms >= ? "
    "GROUP BY day, side ORDER BY day, side"
)


def generate(path: Path, rows: int, user_sets: int, seed: int) -> None:
    """``rows`` sets in ``logged_set``: ``user_sets`` of them the user's one exercise, a day at a
    time (10 per side), the rest spread over 2,000 other accounts; plus the user's daily and
    weekly aggregates."""
    rng = random.Random(seed)
    upgrade(f"sqlite+aiosqlite:///{path}")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(
        "INSERT INTO account (id, email, password_hash, created_at_ms) VALUES (1, 'u', '', 0)"
    )
    entries: list[SetEntry] = []
    batch: list[tuple[object, ...]] = []

    def add(account: int, exercise: str, side: str, reps: int, weight: int, at: int) -> None:
        set_id = f"{len(batch) + rows_done[0]:036d}"
        batch.append((set_id, account, exercise, side, reps, weight, None, None, at, None, 1))
        if len(batch) == 50_000:
            flush()

    rows_done = [0]

    def flush() -> None:
        conn.executemany("INSERT INTO logged_set VALUES (?,?,?,?,?,?,?,?,?,?,?)", batch)
        rows_done[0] += len(batch)
        batch.clear()

    per_day = 20
    for n in range(user_sets):
        day, k = divmod(n, per_day)
        side = "left" if k % 2 == 0 else "right"
        weight = (
            60_000
            + day * 10
            + rng.randrange(-5_000, 5_000, 500)
            - (6_000 if side == "right" else 0)
        )
        reps = rng.choice((5, 6, 8, 8, 10, 12, 15))
        at = FIRST_DAY_MS + day * DAY_MS + k * 120_000
        entries.append(
            SetEntry(exercise=EXERCISE, side=side, reps=reps, weight_g=weight, performed_at=at)
        )  # type: ignore[arg-type]
        add(USER, EXERCISE, side, reps, weight, at)
    for _ in range(rows - user_sets):
        add(
            rng.randrange(2, 2_002),
            rng.choice((*OTHER_EXERCISES, EXERCISE)),
            rng.choice(("left", "right", "both")),
            rng.randrange(1, 16),
            rng.randrange(5_000, 150_000, 500),
            FIRST_DAY_MS + rng.randrange(0, 2_500 * DAY_MS),
        )
    flush()
    marks = ", ".join("?" for _ in COLUMNS)
    figures = daily_figures(entries)
    conn.executemany(
        f"INSERT INTO set_daily ({', '.join(COLUMNS)}) VALUES ({marks})",
        [row_of(USER, f) for f in figures],
    )
    conn.executemany(
        f"INSERT INTO set_weekly ({', '.join(WEEK_COLUMNS)}) VALUES ({', '.join('?' * 8)})",
        weekly_rows(USER, figures),
    )
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


async def group_by_chart(db: Database, first: date | None) -> None:
    """The baseline: the same chart, its per-day figures computed by GROUP BY over the sets."""
    since = 0 if first is None else (first - date(1970, 1, 1)).days * DAY_MS
    async with db.read() as conn:
        rows = (await conn.exec_driver_sql(GROUP_BY, (USER, EXERCISE, since))).all()
    bests, weeks = [], {}
    for day_text, side, best, volume, reps in rows:
        day = date.fromisoformat(day_text)
        bests.append(
            DailyBest(day=day, side=side, e1rm_g=best, weight_g=0, reps=reps, low_confidence=False)
        )
        pair = weeks.setdefault(week_start(day), [0, 0])
        pair[side == "right"] += volume
    chart(
        EXERCISE,
        bests,
        [
            WeeklyVolume(week_start=w, left=lr[0], right=lr[1], sessions=0)
            for w, lr in weeks.items()
        ],
        start=first,
    )


async def daily_chart(db: Database, first: date | None) -> None:
    """Every range from the daily aggregate: its rows read, bests and weekly sums built here."""

    async def read(conn: Connection) -> list[DayFigures]:
        return await insight_store.figures(conn, USER, EXERCISE, first)

    shown = await db.read_unit(read)
    chart(EXERCISE, bests_of(shown), weeks_of(shown), start=first)


async def timed(repeat: int, query: Callable[[], Awaitable[object]]) -> list[float]:
    await query()  # warm the page cache and prepared statements
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        await query()
        out.append(time.perf_counter() - started)
    return out


async def measure(path: Path, repeat: int) -> None:
    db = Database(f"sqlite+aiosqlite:///{path}")
    charts = Charts(db)
    last_day = date(2020, 1, 1) + timedelta(days=2_499)
    ranges = {"all 2,500 days": None, "last 12 weeks": last_day - timedelta(weeks=12)}
    for label, first in ranges.items():

        def server(first: date | None = first) -> Awaitable[object]:
            return charts.chart(USER, EXERCISE, start=first)

        def baseline(first: date | None = first) -> Awaitable[None]:
            return group_by_chart(db, first)

        def from_days(first: date | None = first) -> Awaitable[None]:
            return daily_chart(db, first)

        fast = await timed(repeat, server)
        days = await timed(repeat, from_days)
        scan = await timed(repeat, baseline)
        with sqlite3.connect(path) as raw:
            raw.execute(
                "CREATE INDEX IF NOT EXISTS bench_covering ON logged_set "
                "(account_id, exercise, performed_at_ms, side, reps, weight_g)"
            )
        covered = await timed(repeat, baseline)
        with sqlite3.connect(path) as raw:
            raw.execute("DROP INDEX bench_covering")
        base = percentile(scan, 95)
        print(f"\n{label} ({repeat} queries each; p95, median)")
        for name, sample in (
            ("server path (Charts.chart)", fast),
            ("daily aggregate, weeks summed per request", days),
            ("GROUP BY scan of logged_set (baseline)", scan),
            ("GROUP BY with a covering index", covered),
        ):
            p95 = percentile(sample, 95)
            print(
                f"  {name:42s} p95 {p95 * 1000:7.2f} ms  median {median(sample) * 1000:7.2f} ms  "
                f"×{p95 / base:.3f} of baseline"
            )
    await db.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--user-sets", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="sidewise-bench-") as tmp:
        path = Path(tmp) / "charts.db"
        started = time.perf_counter()
        generate(path, args.rows, args.user_sets, args.seed)
        print(f"{args.rows:,} sets ({args.user_sets:,} of the user's {EXERCISE}) "
              f"generated in {time.perf_counter() - started:.1f} s")  # fmt: skip
        asyncio.run(measure(path, args.repeat))


if __name__ == "__main__":
    main()
