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
the server). ``/healthz`` runs on the same schedule beside it, and so does the floor: each due
sync as the floor's push and pull (no HTTP), so the p99 goal reads against what the database
and driver alone give on this machine.

The load generator is this process and the server another (``sidewise serve``); both share the
machine's cores, so the CPU each used is printed. On PostgreSQL ``--workers`` runs the server
as several processes, as ``deploy/README.md`` sizes it for a host of its own (SQLite keeps one
writer, so one process); the server's CPU is that of all of them. The phones speak HTTP through
``bench.lean_http`` (one keep-alive connection each), so the client's own CPU takes as little of
the shared cores, and of each timed request, as it can. Goals: closed loop ≥ 0.5 of the floor's
syncs/s; Poisson sync p99 ≤ 25 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from bench.floor import Floor, PostgresFloor, SqliteFloor
from bench.gym_load import Bench, FloorLoad, Round, Samples, open_phones
from bench.server import ServerProcess, postgres_base_url, throwaway_postgres
from bench.stats import (
    ENGINE_CHOICES,
    for_each_engine,
    median,
    percentile,
)

GOAL_P99_S = 0.025
GOAL_FLOOR_RATIO = 0.5
QUANTILES = (50, 95, 99)


@dataclass
class Results:
    closed: list[tuple[Round, Round]]  # (sync, healthz) per round
    # the floor's syncs/s, its CPU s per sync and PostgreSQL's, one per round
    floors: list[tuple[float, float, float]]
    poisson: list[tuple[Round, Round]]
    floor_poisson: list[Samples]  # the floor's syncs on each Poisson round's schedule


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
        poisson, floor_poisson = [], []
        for index in range(args.poisson_rounds):
            await bench.analyze()
            poisson.append(
                (
                    await bench.poisson("sync", args.poisson_seconds, args.mean_interval, index),
                    await bench.poisson("health", args.poisson_seconds, args.mean_interval, index),
                )
            )
            floor_poisson.append(
                await floor_load.poisson(args.poisson_seconds, args.mean_interval, index)
            )
        return Results(closed, floors, poisson, floor_poisson)
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
        ServerProcess(tmp / "data", url, workers=args.workers) as server,
    ):
        return run_server(server, floor_url, args)


def workers(engine: str, args: argparse.Namespace) -> int:
    return 1 if engine == "sqlite" else int(args.workers)


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
            f"{'' if engine == 'sqlite' else f'PostgreSQL {s.postgres_cores:.2f}, '}"
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
        f"{engine}: {args.devices} devices (one account each) × ({args.ops}-op push + pull), "
        f"{workers(engine, args)} server process(es)\n"
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
    floor_s = median([rate for rate, _, _ in results.floors])
    ratio = syncs_s / floor_s
    server_cpu = median([r.server_cores / r.rate for r in closed_sync])
    floor_cpu = median([cpu for _, cpu, _ in results.floors])
    where = ""
    if engine != "sqlite":
        server_pg = median([r.postgres_cores / r.rate for r in closed_sync])
        floor_pg = median([pg for _, _, pg in results.floors])
        where = (
            f"; PostgreSQL's own processes in neither: they spent {server_pg * 1000:.2f} ms per "
            f"server sync, {floor_pg * 1000:.2f} ms per floor sync"
        )
    print(
        f"    floor {floor_s:,.0f} syncs/s ({args.ops}-op push + pull through the raw driver, "
        f"one at a time) -> ratio {ratio:.3f} "
        f"(goal ≥ {GOAL_FLOOR_RATIO}: {'met' if ratio >= GOAL_FLOOR_RATIO else 'MISSED'})\n"
        f"    CPU per sync: server {server_cpu * 1000:.2f} ms, floor {floor_cpu * 1000:.2f} ms "
        f"-> floor ÷ server {floor_cpu / server_cpu:.3f} (kernel time in fsync included{where})"
    )
    if results.poisson:
        poisson_sync = [s for s, _ in results.poisson]
        poisson_health = [h for _, h in results.poisson]
        poisson_q = quantiles(poisson_sync, lambda x: x.ops)
        health_q = quantiles(poisson_health, lambda x: x.ops)
        floor_q, floor_push, floor_pull = (
            [median([percentile(pick(samples), q) for samples in results.floor_poisson])
             for q in QUANTILES]
            for pick in (lambda x: x.ops, lambda x: x.pushes, lambda x: x.pulls)
        )  # fmt: skip
        rate = median([r.rate for r in poisson_sync])
        print(
            f"  Poisson arrivals, each device every {args.mean_interval:g} s on average "
            f"({rate:,.1f} syncs/s), latency from when each sync was due, median of "
            f"{len(poisson_sync)} rounds × {args.poisson_seconds:g} s:\n"
            f"    sync     p50/p95/p99 {trio(poisson_q)} "
            f"(CPU server {median([r.server_cores for r in poisson_sync]):.2f} cores)\n"
            f"      push {trio(quantiles(poisson_sync, lambda x: x.pushes))}, "
            f"pull {trio(quantiles(poisson_sync, lambda x: x.pulls))} (each from its send)\n"
            f"    healthz  p50/p95/p99 {trio(health_q)} (same schedule)\n"
            f"    floor    p50/p95/p99 {trio(floor_q)} (same schedule, each sync through the "
            f"raw driver) -> p99 floor ÷ server {floor_q[2] / poisson_q[2]:.2f}\n"
            f"      push {trio(floor_push)}, pull {trio(floor_pull)} (the floor's own time)\n"
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
    parser.add_argument(
        "--workers",
        type=int,
        default=1,
        help="PostgreSQL: server processes (SIDEWISE_WORKERS; SQLite always runs one)",
    )
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
        and 1 <= args.workers <= 16
    ):
        parser.error(
            "--devices 1..512, --ops 9..1000, --seconds 0.5..60, --rounds 1..20, "
            "--mean-interval 0.1..60, --poisson-seconds 1..120, --poisson-rounds 0..20, "
            "--workers 1..16"
        )
    for_each_engine(
        args.engine,
        "sidewise-gym-",
        f"{args.devices} devices; closed loop, then Poisson arrivals",
        lambda engine, tmp: report(engine, run_engine(engine, tmp, args), args),
    )


if __name__ == "__main__":
    main()
