"""Ingest: 1,000-op pushes over HTTP into the real server, against a raw upsert of the same rows.

    python -m bench.ingest [--engine sqlite|postgresql|both] [--batches N] [--rounds R]

Each push carries 125 new sets of 8 fields (1,000 field ops). A round is N pushes in slices:
each of ``--clients`` devices (separate accounts) pushes one batch at once, then the raw driver
baseline from ``bench.baselines`` writes the same rows (the field_state rows the server
produced), 1,000 rows per transaction; alternating keeps both sides under the same background
load. Figures are medians over the rounds, after a warm-up; the headline is the ratio
server ÷ raw. Goal: ≥ 0.30.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.baselines import PostgresUpsert, Row, SqliteUpsert
from bench.devices import Stamper, new_set_ops, push, push_body, register_device, sign_up
from bench.server import ServerProcess, analyze_postgres, postgres_base_url, throwaway_postgres
from bench.stats import ENGINE_CHOICES, MachineCpu, for_each_engine, median, ms, process_cpu_s
from sync.canon import canon

BATCH_OPS = 1000
GOAL = 0.30


@dataclass
class Batch:
    body: bytes
    rows: list[Row]


@dataclass
class Pusher:
    client: httpx.AsyncClient
    device_id: str
    account_id: int
    stamper: Stamper
    pushes: int = 0
    latencies: list[float] = field(default_factory=list)

    def make_batch(self) -> Batch:
        """1,000 fresh ops, and the field_state rows the server will write for them."""
        now = int(time.time() * 1000)
        ops = []
        while len(ops) < BATCH_OPS:
            ops.extend(new_set_ops(self.stamper, now))
        self.pushes += 1  # the server's per-account seq advances once per push
        rows = [
            (op.record_id, op.field, self.account_id, "set", canon(op.value), op.hlc, self.pushes)
            for op in ops
        ]
        return Batch(push_body(self.device_id, ops), rows)

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
    raw_rows_s: float
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


async def measure(
    server: ServerProcess, baseline: SqliteUpsert | PostgresUpsert, args: argparse.Namespace
) -> list[Round]:
    rng = random.Random(7)
    pushers = await open_pushers(server, args.clients, rng)
    try:
        # Warm-up: both paths once, untimed.
        warm = [[p.make_batch() for _ in range(args.warmup)] for p in pushers]
        await asyncio.gather(*(p.send(b) for p, b in zip(pushers, warm, strict=True)))
        await baseline.upsert([b.rows for batches in warm for b in batches])
        rounds = []
        for _ in range(args.rounds):
            if server.database_url and args.analyze:
                await analyze_postgres(server.database_url)
            rounds.append(await measure_round(server, baseline, pushers, args.batches))
        latencies = [t for p in pushers for t in p.latencies]
        print(f"  push latency (1,000 ops): median {ms(median(latencies))}")
        return rounds
    finally:
        for pusher in pushers:
            await pusher.client.aclose()


async def measure_round(
    server: ServerProcess,
    baseline: SqliteUpsert | PostgresUpsert,
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
        raw_s += await baseline.upsert([b.rows for b in slice_])
    total = max(1, batches // len(pushers)) * len(pushers) * BATCH_OPS
    elapsed_cpu = process_cpu_s(pid) - cpu0
    return Round(total / server_s, total / raw_s, elapsed_cpu / server_s, machine.cores())


def run_engine(engine: str, tmp: Path, args: argparse.Namespace) -> list[Round]:
    async def go(server: ServerProcess, raw_url: str | None) -> list[Round]:
        baseline: SqliteUpsert | PostgresUpsert
        if raw_url is None:
            baseline = SqliteUpsert(tmp / "raw.db")
        else:
            baseline = await PostgresUpsert.open(raw_url)
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
    raw_name = SqliteUpsert.name if engine == "sqlite" else PostgresUpsert.name
    for index, r in enumerate(rounds, 1):
        print(
            f"  round {index}: server {r.server_ops_s:,.0f} ops/s, raw {r.raw_rows_s:,.0f} rows/s, "
            f"ratio {r.ratio:.3f}; CPU server {r.server_cpu:.2f}, machine {r.machine_cpu:.2f} cores"
        )
    ratio = median([r.ratio for r in rounds])
    verdict = "met" if ratio >= GOAL else "MISSED"
    print(
        f"{engine}: ingest {median([r.server_ops_s for r in rounds]):,.0f} field-ops/s over HTTP "
        f"({args.clients} devices × 1,000-op pushes) vs {raw_name} "
        f"{median([r.raw_rows_s for r in rounds]):,.0f} rows/s -> ratio {ratio:.3f} "
        f"(goal ≥ {GOAL:.2f}: {verdict}; median of {len(rounds)} rounds × {args.batches} pushes)"
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
