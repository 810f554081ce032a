"""Gym sync: many phones syncing at once, each pushing a few sets and pulling what changed.

    python -m bench.gym_sync [--engine sqlite|postgresql|both] [--devices 64] [--seconds 4]

Each of ``--devices`` phones belongs to its own account (a gym full of members, one phone each).
A sync is one push of ``--ops`` ops (three new sets of eight fields plus edits of recent sets)
followed by pulls from the device's cursor until ``has_more`` is false.

Closed loop: every phone starts its next sync as soon as the last one ends, so the server always
has ``--devices`` syncs in flight; this gives the capacity (syncs/s) and the latency at that
concurrency. The baseline, measured in the same run over the same connections, is
``GET /healthz`` (one database round trip) at the same concurrency; rounds alternate sync and
baseline, and figures are medians over the rounds.

Paced: the same phones sync on a fixed schedule at ``--paced`` × the measured capacity, and
latency counts from when each sync was due (a late start counts against the server). The
baseline is ``/healthz`` on the same schedule.

The load generator is this process and the server another (``sidewise serve``); both share the
machine's cores, so the CPU each used is printed. Goal on SQLite: sync p99 ≤ 50 ms.
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

GOAL_P99_S = 0.050
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

    async def paced(self, kind: str, seconds: float, rate: float) -> Round:
        """Each phone on a fixed schedule, phases spread evenly, ``rate`` operations/s in all."""
        count = len(self.phones)
        interval = count / rate
        start = time.perf_counter() + 0.05
        end = start + seconds

        def loop_for(index: int, phone: Phone) -> Callable[[Samples], object]:
            async def loop(samples: Samples) -> None:
                due = start + interval * index / count
                for _ in range(1_000_000):
                    if due >= end:
                        return
                    await asyncio.sleep(max(0.0, due - time.perf_counter()))
                    if kind == "sync":
                        await sync_once(phone, self.ops, samples, due)
                    else:
                        await health_once(phone, samples, due)
                    due += interval

            return loop

        return await self._timed([loop_for(i, phone) for i, phone in enumerate(self.phones)])


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
    paced: list[tuple[Round, Round]]
    paced_rate: float


async def measure(server: ServerProcess, args: argparse.Namespace) -> Results:
    began = time.perf_counter()
    phones = await open_phones(server, args.devices)
    print(f"  {args.devices} accounts signed up in {time.perf_counter() - began:.1f} s")
    bench = Bench(server, phones, args.ops, args.analyze)
    try:
        await bench.closed("sync", 1.0)  # warm-up: first pulls, prepared statements, caches
        await bench.closed("health", 0.5)
        closed = []
        for _ in range(args.rounds):
            await bench.analyze()
            closed.append(
                (
                    await bench.closed("sync", args.seconds),
                    await bench.closed("health", args.seconds),
                )
            )
        rate = args.paced * median([s.rate for s, _ in closed])
        paced = []
        for _ in range(args.paced_rounds):
            await bench.analyze()
            paced.append(
                (
                    await bench.paced("sync", args.seconds, rate),
                    await bench.paced("health", args.seconds, rate),
                )
            )
        return Results(closed, paced, rate)
    finally:
        for phone in phones:
            await phone.client.aclose()


def run_engine(engine: str, tmp: Path, args: argparse.Namespace) -> Results:
    if engine == "sqlite":
        with ServerProcess(tmp / "data") as server:
            return run_server(server, args)
    with (
        throwaway_postgres(postgres_base_url()) as url,
        ServerProcess(tmp / "data", url) as server,
    ):
        return run_server(server, args)


def run_server(server: ServerProcess, args: argparse.Namespace) -> Results:
    server.migrate()
    server.start()
    try:
        return asyncio.run(measure(server, args))
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
    verdicts = [f"closed loop {'met' if sync_q[2] <= GOAL_P99_S else 'MISSED'}"]
    if results.paced:
        paced_sync = [s for s, _ in results.paced]
        paced_health = [h for _, h in results.paced]
        paced_q = quantiles(paced_sync, lambda x: x.ops)
        paced_health_q = quantiles(paced_health, lambda x: x.ops)
        print(
            f"  paced at {results.paced_rate:,.0f} syncs/s ({args.paced:g} × capacity), "
            f"latency from when each sync was due:\n"
            f"    sync     p50/p95/p99 {trio(paced_q)} "
            f"(CPU server {median([r.server_cores for r in paced_sync]):.2f} cores)\n"
            f"    healthz  p50/p95/p99 {trio(paced_health_q)} (baseline, same schedule)\n"
            f"    p99 ratio to healthz: sync {paced_q[2] / paced_health_q[2]:.2f}"
        )
        verdicts.append(f"paced {'met' if paced_q[2] <= GOAL_P99_S else 'MISSED'}")
    print(f"  goal sync p99 ≤ {GOAL_P99_S * 1000:.0f} ms: {', '.join(verdicts)}")


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
        "--paced", type=float, default=0.5, help="paced load as a fraction of capacity"
    )
    parser.add_argument("--paced-rounds", type=int, default=2, help="0 skips the paced part")
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
        and 0.05 <= args.paced <= 1.0
        and 0 <= args.paced_rounds <= 20
    ):
        parser.error(
            "--devices 1..512, --ops 9..1000, --seconds 0.5..60, --rounds 1..20, "
            "--paced 0.05..1, --paced-rounds 0..20"
        )
    for_each_engine(
        args.engine,
        "sidewise-gym-",
        f"{args.devices} devices; closed loop, then paced",
        lambda engine, tmp: report(engine, run_engine(engine, tmp, args), args),
    )


if __name__ == "__main__":
    main()
