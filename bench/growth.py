"""Growth: does a push cost more as the database fills? The server against the floor, both grown.

    python -m bench.growth [--other-ops 5000000] [--own-sets 200000] [--pushes 10]

SQLite. The server (``sidewise serve``) and the floor (``bench.floor``) each get one account
that pushes 1,000-op batches (125 new sets), alternating push by push, first over empty
databases. Then both files are filled alike, the server stopped meanwhile: ``--other-ops``
field ops of 2,000 other accounts' sets (op log, field state, records, logged sets, daily
figures) and ``--own-sets`` sets of the pushing account's own history over ``--own-days`` days
up to the end of the year its new sets fall in (same exercises), so each push's touched days
hold old sets to re-read. The
pushes are measured again. The headline is server ÷ floor per stage; goal: the server's per-op
cost grows no faster than the floor's, so the grown ratio is at most 20 % below the empty one
(a ratio that rises is the server growing slower than the floor).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from backend.db.daily_rows import COLUMNS as DAILY_COLUMNS
from backend.db.daily_rows import row_of
from backend.domain.strength import SetEntry, daily_figures
from bench.devices import (
    EXERCISES,
    PERFORMED_FROM_MS,
    YEAR_MS,
    Stamper,
    log_in,
    new_set_ops,
    push,
    push_body,
    register_device,
    sign_up,
)
from bench.floor import SqliteFloor
from bench.floor_plan import Plan
from bench.server import ServerProcess
from bench.stats import median
from sync.canon import canon

GOAL_DRIFT = 0.20
BATCH_OPS = 1000
OTHER_ACCOUNTS = 2000
FIELDS = ("exercise", "side", "reps", "weight_g", "rpe_x10", "eccentric_ms", "performed_at", "note")


def history(
    rng: random.Random, account_id: int, sets: int, node: str, days: int = 365
) -> Iterator[dict[str, Any]]:
    """Set records of one account as their fields, over the ``days`` up to the end of the year
    the benchmark's new sets fall in."""
    for n in range(sets):
        at = PERFORMED_FROM_MS + YEAR_MS - rng.randrange(days * 86_400_000)
        yield {
            "account_id": account_id,
            "set_id": f"{account_id:08x}-{n:012x}-7000-8000-000000000000"[:36],
            "node": node,
            "fields": {
                "exercise": rng.choice(EXERCISES),
                "side": rng.choice(("left", "right")),
                "reps": rng.randint(1, 20),
                "weight_g": rng.randrange(0, 200_001, 500),
                "rpe_x10": rng.randint(10, 100),
                "eccentric_ms": 0,
                "performed_at": at,
                "note": "",
            },
        }


def other_accounts(rng: random.Random, sets: int) -> Iterator[dict[str, Any]]:
    """``sets`` sets dealt round-robin to the other accounts, each id unique."""
    for n in range(sets):
        account = 1_000_000 + n % OTHER_ACCOUNTS
        (one,) = history(rng, account, 1, f"{account:016x}")
        yield {**one, "set_id": f"{account:08x}-{n:012x}-7000-8000-000000000000"[:36]}


def fill(paths: list[Path], sets: Iterator[dict[str, Any]], chunk: int = 20_000) -> int:
    """Write the same sets into every file, as the sync path would have stored them."""
    conns = [sqlite3.connect(path, isolation_level=None) for path in paths]
    for conn in conns:
        conn.execute("PRAGMA synchronous=OFF")
    entries: dict[int, list[SetEntry]] = {}
    written = 0
    try:
        while True:
            batch = [s for _, s in zip(range(chunk), sets, strict=False)]
            if not batch:
                break
            ops, fields, records, logged = [], [], [], []
            for s in batch:
                account, set_id, f = s["account_id"], s["set_id"], s["fields"]
                hlc = f"2025-01-01T00:00:00.000Z-0000-{s['node']}"
                records.append((set_id, account, "set"))
                for name in FIELDS:
                    value = canon(f[name])
                    op_id = f"{set_id[:24]}{FIELDS.index(name):012x}"
                    ops.append((op_id, account, s["node"], "set", set_id, name, value, hlc, 0, 0))
                    fields.append((set_id, name, account, "set", value, hlc, 0))
                logged.append(
                    (set_id, account, f["exercise"], f["side"], f["reps"], f["weight_g"],
                     f["rpe_x10"], f["eccentric_ms"], f["performed_at"], f["note"], 0)
                )  # fmt: skip
                entries.setdefault(account, []).append(
                    SetEntry(exercise=f["exercise"], side=f["side"], reps=f["reps"],
                             weight_g=f["weight_g"], performed_at=f["performed_at"])
                )  # fmt: skip
            for conn in conns:
                conn.execute("BEGIN")
                conn.executemany(f"INSERT INTO op_log VALUES ({', '.join('?' * 10)})", ops)
                conn.executemany(
                    "INSERT INTO field_state (record_id, field, account_id, record_type, value, "
                    "hlc, seq) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    fields,
                )
                conn.executemany("INSERT INTO record VALUES (?, ?, ?)", records)
                conn.executemany(f"INSERT INTO logged_set VALUES ({', '.join('?' * 11)})", logged)
                conn.execute("COMMIT")
            written += len(batch)
        daily = [row_of(a, f) for a, sets_of in entries.items() for f in daily_figures(sets_of)]
        marks = ", ".join("?" * len(DAILY_COLUMNS))
        for conn in conns:
            conn.execute("BEGIN")
            conn.executemany(
                f"INSERT INTO set_daily ({', '.join(DAILY_COLUMNS)}) VALUES ({marks}) "
                "ON CONFLICT DO NOTHING",
                daily,
            )
            conn.execute("COMMIT")
            conn.execute("ANALYZE")
            # Leave no WAL behind: the next writer would pay for checkpointing the fill.
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        for conn in conns:
            conn.close()
    return written


async def stage(
    server: ServerProcess, floor: SqliteFloor, client: Any, device: str, account: int,
    stamper: Stamper, pushes: int,
) -> tuple[float, float]:  # fmt: skip
    """Microseconds per op: (server over HTTP, floor), alternating push by push."""
    server_s = floor_s = 0.0
    for _ in range(pushes):
        now = int(time.time() * 1000)
        ops = []
        while len(ops) < BATCH_OPS:
            ops += new_set_ops(stamper, now)
        began = time.perf_counter()
        response = await push(client, push_body(device, ops))
        server_s += time.perf_counter() - began
        if response.status_code != 200:
            raise RuntimeError(f"push failed: {response.status_code} {response.text[:300]}")
        floor_s += await floor.push(Plan(account, device, ops, now))
    total = pushes * BATCH_OPS
    return server_s / total * 1e6, floor_s / total * 1e6


async def run(tmp: Path, args: argparse.Namespace) -> None:
    with ServerProcess(tmp / "data") as server:
        server.migrate()
        server.start()
        client = await sign_up(server.base_url, "grower@example.com", timeout_s=120.0)
        account = int((await client.get("/api/me")).json()["id"])
        device = await register_device(client)
        floor = await SqliteFloor.open(tmp / "floor.db")
        await floor.add_account(account)
        stamper = Stamper(device, random.Random(3))
        await stage(server, floor, client, device, account, stamper, 2)  # warm-up
        results = []
        for _ in range(args.rounds):
            results.append(
                await stage(server, floor, client, device, account, stamper, args.pushes)
            )
        empty = (median([r[0] for r in results]), median([r[1] for r in results]))
        print(f"  empty: server {empty[0]:.1f} µs/op, floor {empty[1]:.1f} µs/op, "
              f"ratio {empty[1] / empty[0]:.3f}")  # fmt: skip

        await client.aclose()
        server.stop()
        began = time.perf_counter()
        rng = random.Random(9)
        paths = [server.sqlite_path, tmp / "floor.db"]
        others = other_accounts(rng, args.other_ops // len(FIELDS))
        other_sets = await asyncio.to_thread(fill, paths, others)
        own = history(random.Random(10), account, args.own_sets, device, args.own_days)
        own_sets = await asyncio.to_thread(fill, paths, own)
        print(f"  filled both files in {time.perf_counter() - began:.0f} s: {other_sets * 8:,} "
              f"field ops of {OTHER_ACCOUNTS:,} other accounts, {own_sets:,} sets of the pushing "
              f"account's history")  # fmt: skip

        # Both start over on the filled files: the server restarts, the floor reconnects (a
        # connection opened before the fill would plan without its statistics).
        await floor.close()
        floor = SqliteFloor(tmp / "floor.db")
        server.start()
        client = await log_in(server.base_url, "grower@example.com", timeout_s=120.0)
        await stage(server, floor, client, device, account, stamper, 2)  # warm-up
        results = []
        for _ in range(args.rounds):
            results.append(
                await stage(server, floor, client, device, account, stamper, args.pushes)
            )
        grown = (median([r[0] for r in results]), median([r[1] for r in results]))
        await client.aclose()
        await floor.close()
        drift = (grown[1] / grown[0]) / (empty[1] / empty[0]) - 1
        verdict = "met" if drift >= -GOAL_DRIFT else "MISSED"
        print(f"  grown: server {grown[0]:.1f} µs/op, floor {grown[1]:.1f} µs/op, "
              f"ratio {grown[1] / grown[0]:.3f}\n"
              f"growth: per-op cost ×{grown[0] / empty[0]:.2f} (server), "
              f"×{grown[1] / empty[1]:.2f} (floor); ratio moved {drift:+.1%} "
              f"(goal: no more than {GOAL_DRIFT:.0%} below: {verdict})")  # fmt: skip


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.growth",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--other-ops", type=int, default=5_000_000)
    parser.add_argument("--own-sets", type=int, default=200_000)
    parser.add_argument(
        "--own-days", type=int, default=2_500, help="days the own history spans (≈7 years)"
    )
    parser.add_argument("--pushes", type=int, default=10, help="1,000-op pushes per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    if not (0 <= args.other_ops <= 20_000_000 and 0 <= args.own_sets <= 1_000_000
            and 1 <= args.pushes <= 100 and 1 <= args.rounds <= 10
            and 365 <= args.own_days <= 10_000):  # fmt: skip
        parser.error(
            "--other-ops 0..20M, --own-sets 0..1M, --own-days 365..10000, --pushes 1..100, "
            "--rounds 1..10"
        )
    with tempfile.TemporaryDirectory(prefix="sidewise-growth-") as tmp:
        print(f"growth (SQLite): {args.rounds} rounds × {args.pushes} pushes of 1,000 ops")
        asyncio.run(run(Path(tmp), args))


if __name__ == "__main__":
    main()
