"""Gym sync: many phones syncing at once, each pushing a few sets and pulling what changed.

    python -m bench.gym_sync [--engine sqlite|postgresql|both] [--devices 64] [--seconds 4]

Each of ``--devices`` phones belongs to its own account (a gym full of members, one phone each).
A sync is one push of ``--ops`` ops (three new sets of eight fields plus edits of recent sets)
followed by pulls from the device's cursor until ``has_more`` is false.

Closed loop: every phone starts its next sync as soon as the last one ends, so the server always
has ``--devices`` syncs in flight; this gives the capacity (syncs/s), printed as a ratio to the
floor's (``bench.floor``: the same push's rows and the pull's two reads through the raw driver,
one sync after another). ``GET /healthz`` (one database round trip) at the same concurrency is
printed beside it; rounds alternate, and figures are medians over the rounds.

Poisson: each phone syncs on average every ``--mean-interval`` seconds (exponential gaps, a
seeded schedule), and latency counts from when each sync was due (a late start counts against
the server). ``/healthz`` runs on the same schedule beside it.

The load generator is this process and the server another (``sidewise serve``); both share the
machine's cores, so the CPU each used is printed. Goals: closed loop ≥ 0.5 of the floor's
syncs/s; Poisson sync p99 ≤ 25 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bench.devices import (
    ACKED,
    Stamper,
    decode_acks,
    decode_page,
    new_set_ops,
    pull,
    pull_body,
    push,
    push_body,
    register_device,
    set_value,
    sign_up,
)
from bench.floor import Floor, Plan, PostgresFloor, SqliteFloor
from bench.server import ServerProcess, analyze_postgres, postgres_base_url, throwaway_postgres
from bench.stats import (
    ENGINE_CHOICES,
    MachineCpu,
    for_each_engine,
    median,
    own_cpu_s,
    percentile,
    process_cpu_s,
)
from sync.wire import Op

GOAL_P99_S = 0.025
GOAL_FLOOR_RATIO = 0.5
MAX_PAGES = 100
QUANTILES = (50, 95, 99)


@dataclass
class Phone:
    client: httpx.AsyncClient
    device_id: str
    stamper: Stamper
    cursor: str | None = None
    recent_sets: list[str] = field(default_factory=list)

    def ops_for_sync(self, count: int) -> list[Op]:
        """New sets of eight fields while they fit, then edits of this phone's recent sets."""
        now = int(time.time() * 1000)
        ops: list[Op] = []
        while len(ops) + 8 <= count:
            new = new_set_ops(self.stamper, now)
            self.recent_sets = [*self.recent_sets[-9:], new[0].record_id]
            ops.extend(new)
        rng = self.stamper.rng
        while len(ops) < count and self.recent_sets:
            fld = rng.choice(("reps", "weight_g", "note"))
            record_id = rng.choice(self.recent_sets)
            ops.append(self.stamper.op(record_id, fld, set_value(rng, fld), now))
        return ops


@dataclass
class Samples:
    ops: list[float] = field(default_factory=list)  # one per sync (or per /healthz call)
    pushes: list[float] = field(default_factory=list)
    pulls: list[float] = field(default_factory=list)
    pages: int = 0

    @property
    def requests(self) -> list[float]:
        return self.pushes + self.pulls


async def sync_once(phone: Phone, ops: int, samples: Samples, due: float | None = None) -> None:
    body = push_body(phone.device_id, phone.ops_for_sync(ops))
    began = time.perf_counter()
    response = await push(phone.client, body)
    samples.pushes.append(time.perf_counter() - began)
    if response.status_code != 200:
        raise RuntimeError(f"push: {response.status_code} {response.text[:300]}")
    if any(r.status not in ACKED for r in decode_acks(response.content)):
        raise RuntimeError(f"push not acknowledged: {response.text[:300]}")
    for _ in range(MAX_PAGES):
        sent = time.perf_counter()
        response = await pull(phone.client, pull_body(phone.device_id, phone.cursor))
        samples.pulls.append(time.perf_counter() - sent)
        if response.status_code != 200:
            raise RuntimeError(f"pull: {response.status_code} {response.text[:300]}")
        page = decode_page(response.content)
        phone.cursor = page.cursor
        samples.pages += 1
        if not page.has_more:
            break
    samples.ops.append(time.perf_counter() - (began if due is None else due))


async def health_once(phone: Phone, samples: Samples, due: float | None = None) -> None:
    began = time.perf_counter()
    response = await phone.client.get("/healthz")
    if response.status_code != 200:
        raise RuntimeError(f"healthz: {response.status_code}")
    samples.ops.append(time.perf_counter() - (began if due is None else due))


@dataclass
class Round:
    seconds: float
    samples: Samples
    server_cores: float
    client_cores: float
    machine_cores: float

    @property
    def rate(self) -> float:
        return len(self.samples.ops) / self.seconds

    @property
    def request_rate(self) -> float:
        return len(self.samples.requests) / self.seconds


@dataclass
class Bench:
    server: ServerProcess
    phones: list[Phone]
    ops: int
    analyze_postgres: bool

    async def analyze(self) -> None:
        """Fresh planner statistics before each round, as autovacuum keeps them on PostgreSQL."""
        if self.server.database_url and self.analyze_postgres:
            await analyze_postgres(self.server.database_url)

    async def _timed(self, loops: list[Callable[[Samples], object]]) -> Round:
        samples = Samples()
        pid = self.server.proc.pid  # type: ignore[union-attr]
        server0, client0, machine = process_cpu_s(pid), own_cpu_s(), MachineCpu()
        began = time.perf_counter()
        await asyncio.gather(*(loop(samples) for loop in loops))  # type: ignore[misc]
        elapsed = time.perf_counter() - began
        return Round(
            elapsed,
            samples,
            (process_cpu_s(pid) - server0) / elapsed,
            (own_cpu_s() - client0) / elapsed,
            machine.cores(),
        )

    async def closed(self, kind: str, seconds: float) -> Round:
        """Every phone back to back for ``seconds``."""
        end = time.perf_counter() + seconds

        def loop_for(phone: Phone) -> Callable[[Samples], object]:
            async def loop(samples: Samples) -> None:
                for _ in range(1_000_000):
                    if time.perf_counter() >= end:
                        return
                    if kind == "sync":
                        await sync_once(phone, self.ops, samples)
                    else:
                        await health_once(phone, samples)

            return loop

        return await self._timed([loop_for(phone) for phone in self.phones])

    async def poisson(self, kind: str, seconds: float, mean_s: float, seed: int) -> Round:
        """Each phone at exponential gaps of mean ``mean_s``: the same schedule for every kind."""
        start = time.perf_counter() + 0.05
        end = start + seconds

        def loop_for(index: int, phone: Phone) -> Callable[[Samples], object]:
            gaps = random.Random(seed * 1_000 + index)

            async def loop(samples: Samples) -> None:
                due = start + gaps.expovariate(1 / mean_s)
                for _ in range(1_000_000):
                    if due >= end:
                        return
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    if kind == "sync":
                        await sync_once(phone, self.ops, samples, due)
                    else:
                        await health_once(phone, samples, due)
                    due += gaps.expovariate(1 / mean_s)

            return loop

        return await self._timed([loop_for(i, phone) for i, phone in enumerate(self.phones)])


class FloorLoad:
    """The floor's syncs: one account per phone, syncs one after another."""

    def __init__(self, floor: Floor, phones: int, ops: int) -> None:
        rng = random.Random(5)
        self.floor, self.ops = floor, ops
        self.stampers = [Stamper(f"{index + 1:016x}", rng) for index in range(phones)]
        self.seqs = [0] * phones
        self.done = 0

    async def open(self) -> None:
        for index in range(len(self.stampers)):
            await self.floor.add_account(index + 1)

    async def rate(self, seconds: float) -> float:
        """Syncs per second of the floor's own time over ``seconds``."""
        done, busy = 0, 0.0
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            index = self.done % len(self.stampers)
            stamper, now = self.stampers[index], int(time.time() * 1000)
            batch: list[Op] = []
            while len(batch) + 8 <= self.ops:
                batch += new_set_ops(stamper, now)
            busy += await self.floor.push(Plan(index + 1, stamper.clock.node, batch, now))
            busy += await self.floor.pull(index + 1, (self.seqs[index], "", ""), 1000)
            self.seqs[index] += 1
            self.done += 1
            done += 1
        return done / busy


async def open_phones(server: ServerProcess, count: int) -> list[Phone]:
    rng = random.Random(11)
    seeds = [rng.random() for _ in range(count)]

    async def one(index: int) -> Phone:
        client = await sign_up(server.base_url, f"member{index}@example.com", timeout_s=120.0)
        device_id = await register_device(client)
        return Phone(client, device_id, Stamper(device_id, random.Random(seeds[index])))

    return list(await asyncio.gather(*(one(i) for i in range(count))))


@dataclass
class Results:
    closed: list[tuple[Round, Round]]  # (sync, healthz) per round
    floor_syncs_s: list[float]  # the floor's, one per round
    poisson: list[tuple[Round, Round]]


async def measure(server: ServerProcess, floor: Floor, args: argparse.Namespace) -> Results:
    began = time.perf_counter()
    phones = await open_phones(server, args.devices)
    print(f"  {args.devices} accounts signed up in {time.perf_counter() - began:.1f} s")
    bench = Bench(server, phones, args.ops, args.analyze)
    floor_load = FloorLoad(floor, args.devices, args.ops)
    await floor_load.open()
    try:
        await bench.closed("sync", 1.0)  # warm-up: first pulls, prepared statements, caches
        await bench.closed("health", 0.5)
        closed, floors = [], []
        for _ in range(args.rounds):
            await bench.analyze()
            closed.append(
                (
                    await bench.closed("sync", args.seconds),
                    await bench.closed("health", args.seconds),
                )
            )
            floors.append(await floor_load.rate(args.seconds / 2))
        poisson = []
        for index in range(args.poisson_rounds):
            await bench.analyze()
            poisson.append(
                (
                    await bench.poisson("sync", args.poisson_seconds, args.mean_interval, index),
                    await bench.poisson("health", args.poisson_seconds, args.mean_interval, index),
                )
            )
        return Results(closed, floors, poisson)
    finally:
        for phone in phones:
            await phone.client.aclose()


def run_engine(engine: str, tmp: Path, args: argparse.Namespace) -> Results:
    if engine == "sqlite":
        with ServerProcess(tmp / "data") as server:
            return run_server(server, tmp / "floor.db", args)
    base = postgres_base_url()
    with (
        throwaway_postgres(base) as url,
        throwaway_postgres(base) as floor_url,
        ServerProcess(tmp / "data", url) as server,
    ):
        return run_server(server, floor_url, args)


def run_server(server: ServerProcess, floor_at: Path | str, args: argparse.Namespace) -> Results:
    server.migrate()
    server.start()

    async def go() -> Results:
        floor: Floor
        if isinstance(floor_at, Path):
            floor = await SqliteFloor.open(floor_at)
        else:
            floor = await PostgresFloor.open(floor_at)
        try:
            return await measure(server, floor, args)
        finally:
            await floor.close()

    try:
        return asyncio.run(go())
    except Exception:
        print(server.tail(80))
        raise


def quantiles(rounds: list[Round], pick: Callable[[Samples], list[float]]) -> list[float]:
    """Median over rounds of each round's p50, p95 and p99."""
    return [median([percentile(pick(r.samples), q) for r in rounds]) for q in QUANTILES]


def trio(values: list[float]) -> str:
    return "/".join(f"{v * 1000:.1f}" for v in values) + " ms"


def report(engine: str, results: Results, args: argparse.Namespace) -> None:
    closed_sync = [s for s, _ in results.closed]
    closed_health = [h for _, h in results.closed]
    for index, (s, h) in enumerate(results.closed, 1):
        print(
            f"  round {index}: {s.rate:,.0f} syncs/s, p50/p95/p99 "
            f"{trio([percentile(s.samples.ops, q) for q in QUANTILES])}; healthz {h.rate:,.0f}/s "
            f"p99 {percentile(h.samples.ops, 99) * 1000:.1f} ms; "
            f"CPU server {s.server_cores:.2f} + client {s.client_cores:.2f}, "
            f"machine {s.machine_cores:.2f} cores"
        )
    sync_q = quantiles(closed_sync, lambda x: x.ops)
    request_q = quantiles(closed_sync, lambda x: x.requests)
    health_q = quantiles(closed_health, lambda x: x.ops)
    syncs_s = median([r.rate for r in closed_sync])
    requests_s = median([r.request_rate for r in closed_sync])
    health_s = median([r.rate for r in closed_health])
    pages = sum(r.samples.pages for r in closed_sync) / sum(len(r.samples.ops) for r in closed_sync)
    print(
        f"{engine}: {args.devices} devices (one account each) × ({args.ops}-op push + pull)\n"
        f"  closed loop, {args.devices} in flight, median of {len(closed_sync)} rounds × "
        f"{args.seconds:g} s:\n"
        f"    syncs/s {syncs_s:,.0f} ({requests_s:,.0f} requests/s, {pages:.2f} pulls per sync); "
        f"healthz {health_s:,.0f}/s; request-rate ratio {requests_s / health_s:.3f}\n"
        f"    sync     p50/p95/p99 {trio(sync_q)}\n"
        f"    request  p50/p95/p99 {trio(request_q)} (push "
        f"{trio(quantiles(closed_sync, lambda x: x.pushes))}, pull "
        f"{trio(quantiles(closed_sync, lambda x: x.pulls))})\n"
        f"    healthz  p50/p95/p99 {trio(health_q)} (baseline, same concurrency)\n"
        f"    p99 ratio to healthz: sync {sync_q[2] / health_q[2]:.2f}, "
        f"request {request_q[2] / health_q[2]:.2f}"
    )
    floor_s = median(results.floor_syncs_s)
    ratio = syncs_s / floor_s
    print(
        f"    floor {floor_s:,.0f} syncs/s ({args.ops}-op push + pull through the raw driver, "
        f"one at a time) -> ratio {ratio:.3f} "
        f"(goal ≥ {GOAL_FLOOR_RATIO}: {'met' if ratio >= GOAL_FLOOR_RATIO else 'MISSED'})"
    )
    if results.poisson:
        poisson_sync = [s for s, _ in results.poisson]
        poisson_health = [h for _, h in results.poisson]
        poisson_q = quantiles(poisson_sync, lambda x: x.ops)
        health_q = quantiles(poisson_health, lambda x: x.ops)
        rate = median([r.rate for r in poisson_sync])
        print(
            f"  Poisson arrivals, each device every {args.mean_interval:g} s on average "
            f"({rate:,.1f} syncs/s), latency from when each sync was due, median of "
            f"{len(poisson_sync)} rounds × {args.poisson_seconds:g} s:\n"
            f"    sync     p50/p95/p99 {trio(poisson_q)} "
            f"(CPU server {median([r.server_cores for r in poisson_sync]):.2f} cores)\n"
            f"    healthz  p50/p95/p99 {trio(health_q)} (same schedule)\n"
            f"    goal sync p99 ≤ {GOAL_P99_S * 1000:.0f} ms: "
            f"{'met' if poisson_q[2] <= GOAL_P99_S else 'MISSED'}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.gym_sync",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--engine", choices=ENGINE_CHOICES, default="both")
    parser.add_argument("--devices", type=int, default=64)
    parser.add_argument("--ops", type=int, default=30, help="ops per push")
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each round")
    parser.add_argument("--rounds", type=int, default=3, help="closed-loop rounds")
    parser.add_argument(
        "--mean-interval", type=float, default=2.0, help="Poisson: mean seconds between syncs"
    )
    parser.add_argument("--poisson-seconds", type=float, default=10.0)
    parser.add_argument("--poisson-rounds", type=int, default=2, help="0 skips the Poisson part")
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="PostgreSQL: skip the ANALYZE before each round (planner statistics go stale)",
    )
    args = parser.parse_args(argv)
    if not (
        1 <= args.devices <= 512
        and 9 <= args.ops <= 1000
        and 0.5 <= args.seconds <= 60
        and 1 <= args.rounds <= 20
        and 0.1 <= args.mean_interval <= 60
        and 1 <= args.poisson_seconds <= 120
        and 0 <= args.poisson_rounds <= 20
    ):
        parser.error(
            "--devices 1..512, --ops 9..1000, --seconds 0.5..60, --rounds 1..20, "
            "--mean-interval 0.1..60, --poisson-seconds 1..120, --poisson-rounds 0..20"
        )
    for_each_engine(
        args.engine,
        "sidewise-gym-",
        f"{args.devices} devices; closed loop, then Poisson arrivals",
        lambda engine, tmp: report(engine, run_engine(engine, tmp, args), args),
    )


if __name__ == "__main__":
    main()
