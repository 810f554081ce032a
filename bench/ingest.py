"""Ingest: 1,000-op pushes over HTTP into the real server, against the floor (``bench.floor``).

    python -m bench.ingest [--engine sqlite|postgresql|both] [--batches N] [--rounds R]

Each push carries 125 new sets of 8 fields (1,000 field ops). A round is N pushes in slices:
each of ``--clients`` devices (separate accounts) pushes one batch at once, then the floor
writes the same push's rows (op log, records, merged fields, logged sets, the touched days'
figures, sequence bump) through the raw driver in one transaction per push; alternating keeps
both sides under the same background load. At the end the floor's rows are checked equal to the
server's. Figures are medians over the rounds, after a warm-up; the headline is the ratio
server ÷ floor. Goal: ≥ 0.6 on SQLite, ≥ 0.5 on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import httpx

from bench.devices import Stamper, new_set_ops, push, push_body, register_device, sign_up
from bench.floor import Floor, PostgresFloor, SqliteFloor, postgres_rows, sqlite_rows
from bench.floor_plan import Plan
from bench.server import (
    ServerProcess,
    analyze_postgres,
    asyncpg_dsn,
    postgres_base_url,
    throwaway_postgres,
)
from bench.stats import ENGINE_CHOICES, MachineCpu, for_each_engine, median, ms, process_cpu_s

BATCH_OPS = 1000
GOALS = {"sqlite": 0.6, "postgresql": 0.5}


@dataclass
class Batch:
    body: bytes
    plan: Plan


@dataclass
class Pusher:
    client: httpx.AsyncClient
    device_id: str
    account_id: int
    stamper: Stamper
    pushes: int = 0
    latencies: list[float] = field(default_factory=list)

    def make_batch(self) -> Batch:
        """1,000 fresh ops, and the rows the floor writes for them."""
        now = int(time.time() * 1000)
        ops = []
        while len(ops) < BATCH_OPS:
            ops.extend(new_set_ops(self.stamper, now))
        self.pushes += 1
        return Batch(
            push_body(self.device_id, ops), Plan(self.account_id, self.device_id, ops, now)
        )

    async def send(self, batches: list[Batch]) -> None:
        for batch in batches:
            began = time.perf_counter()
            response = await push(self.client, batch.body)
            self.latencies.append(time.perf_counter() - began)
            if response.status_code != 200:
                raise RuntimeError(f"push failed: {response.status_code} {response.text[:300]}")


@dataclass
class Round:
    server_ops_s: float
    raw_rows_s: float  # the floor's ops/s
    server_cpu: float  # server CPU seconds per second of the round
    machine_cpu: float  # busy cores across the machine (PostgreSQL's own processes included)

    @property
    def ratio(self) -> float:
        return self.server_ops_s / self.raw_rows_s


async def open_pushers(server: ServerProcess, count: int, rng: random.Random) -> list[Pusher]:
    pushers = []
    for index in range(count):
        client = await sign_up(server.base_url, f"ingest{index}@example.com", timeout_s=60.0)
        account_id = int((await client.get("/api/me")).json()["id"])
        device_id = await register_device(client)
        pushers.append(Pusher(client, device_id, account_id, Stamper(device_id, rng)))
    return pushers


async def measure(server: ServerProcess, baseline: Floor, args: argparse.Namespace) -> list[Round]:
    rng = random.Random(7)
    pushers = await open_pushers(server, args.clients, rng)
    for pusher in pushers:
        await baseline.add_account(pusher.account_id)
    try:
        # Warm-up: both paths once, untimed.
        warm = [[p.make_batch() for _ in range(args.warmup)] for p in pushers]
        await asyncio.gather(*(p.send(b) for p, b in zip(pushers, warm, strict=True)))
        for batches in warm:
            for b in batches:
                await baseline.push(b.plan)
        rounds = []
        for _ in range(args.rounds):
            if server.database_url and args.analyze:
                await analyze_postgres(server.database_url)
            rounds.append(await measure_round(server, baseline, pushers, args.batches))
        latencies = [t for p in pushers for t in p.latencies]
        print(f"  push latency (1,000 ops): median {ms(median(latencies))}")
        await check_rows(server, baseline, [p.account_id for p in pushers])
        return rounds
    finally:
        for pusher in pushers:
            await pusher.client.aclose()


async def measure_round(
    server: ServerProcess,
    baseline: Floor,
    pushers: list[Pusher],
    batches: int,
) -> Round:
    """Alternate short slices (one push per device, then the raw upsert of the same rows), so
    both sides see the same background load on a shared machine; sum each side's time."""
    pid = server.proc.pid  # type: ignore[union-attr]
    server_s = raw_s = 0.0
    cpu0, machine = process_cpu_s(pid), MachineCpu()
    for _ in range(max(1, batches // len(pushers))):
        slice_ = [p.make_batch() for p in pushers]
        began = time.perf_counter()
        await asyncio.gather(*(p.send([b]) for p, b in zip(pushers, slice_, strict=True)))
        server_s += time.perf_counter() - began
        # The floor's pushes of the slice at once too: PostgreSQL runs them on a connection
        # each, like the server; SQLite's one writer takes them in turn.
        began = time.perf_counter()
        await asyncio.gather(*(baseline.push(b.plan) for b in slice_))
        raw_s += time.perf_counter() - began
    total = max(1, batches // len(pushers)) * len(pushers) * BATCH_OPS
    elapsed_cpu = process_cpu_s(pid) - cpu0
    return Round(total / server_s, total / raw_s, elapsed_cpu / server_s, machine.cores())


async def check_rows(server: ServerProcess, floor: Floor, accounts: list[int]) -> None:
    """The floor wrote exactly the server's rows (op log, fields, sets, daily figures)."""
    for account_id in accounts:
        if server.database_url:
            conn = await asyncpg.connect(asyncpg_dsn(server.database_url))
            try:
                served = await postgres_rows(conn, account_id)
            finally:
                await conn.close()
        else:
            with sqlite3.connect(server.sqlite_path) as conn:
                served = sqlite_rows(conn, account_id)
        floor_rows = await floor.rows(account_id)
        for table, rows in served.items():
            if rows != floor_rows[table]:
                raise RuntimeError(f"account {account_id}: the floor's {table} differs")
    sizes = ", ".join(f"{table} {len(rows):,}" for table, rows in served.items())
    print(f"  rows identical to the server's ({sizes} for the last account)")


def run_engine(engine: str, tmp: Path, args: argparse.Namespace) -> list[Round]:
    async def go(server: ServerProcess, raw_url: str | None) -> list[Round]:
        baseline: Floor
        if raw_url is None:
            baseline = await SqliteFloor.open(tmp / "floor.db")
        else:
            baseline = await PostgresFloor.open(raw_url)
        try:
            return await measure(server, baseline, args)
        finally:
            await baseline.close()

    if engine == "sqlite":
        with ServerProcess(tmp / "data") as server:
            server.migrate()
            server.start()
            return asyncio.run(go(server, None))
    base = postgres_base_url()
    with (
        throwaway_postgres(base) as server_url,
        throwaway_postgres(base) as raw_url,
        ServerProcess(tmp / "data", server_url) as server,
    ):
        server.migrate()
        server.start()
        return asyncio.run(go(server, raw_url))


def report(engine: str, rounds: list[Round], args: argparse.Namespace) -> None:
    raw_name = SqliteFloor.name if engine == "sqlite" else PostgresFloor.name
    goal = GOALS[engine]
    for index, r in enumerate(rounds, 1):
        print(
            f"  round {index}: server {r.server_ops_s:,.0f} ops/s, "
            f"floor {r.raw_rows_s:,.0f} ops/s, "
            f"ratio {r.ratio:.3f}; CPU server {r.server_cpu:.2f}, machine {r.machine_cpu:.2f} cores"
        )
    ratio = median([r.ratio for r in rounds])
    verdict = "met" if ratio >= goal else "MISSED"
    print(
        f"{engine}: ingest {median([r.server_ops_s for r in rounds]):,.0f} field-ops/s over HTTP "
        f"({args.clients} devices × 1,000-op pushes) vs {raw_name} "
        f"{median([r.raw_rows_s for r in rounds]):,.0f} ops/s -> ratio {ratio:.3f} "
        f"(goal ≥ {goal:.2f}: {verdict}; median of {len(rounds)} rounds × {args.batches} pushes)"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ingest",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--engine", choices=ENGINE_CHOICES, default="both")
    parser.add_argument("--batches", type=int, default=30, help="1,000-op pushes per round")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=3, help="untimed pushes per device")
    parser.add_argument("--clients", type=int, default=2, help="devices pushing at once")
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="PostgreSQL: skip the ANALYZE before each round (planner statistics go stale)",
    )
    args = parser.parse_args(argv)
    if not (1 <= args.batches <= 500 and 1 <= args.rounds <= 20 and 1 <= args.clients <= 16):
        parser.error("--batches 1..500, --rounds 1..20, --clients 1..16")
    for_each_engine(
        args.engine,
        "sidewise-ingest-",
        f"warming up, then {args.rounds} rounds",
        lambda engine, tmp: report(engine, run_engine(engine, tmp, args), args),
    )


if __name__ == "__main__":
    main()
