"""The gym's load for ``bench.gym_sync``: phones that sync (push then pull to the end) or ask
``/healthz``, timed from when each was due; the rounds that drive them, closed-loop or on a
Poisson schedule; and the floor's syncs, one after another or on the same schedule."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bench.devices import (
    ACKED,
    Stamper,
    decode_acks,
    decode_page,
    gym_sync_ops,
    pull_body,
    push_body,
    register_device,
    sign_up,
)
from bench.floor import Floor
from bench.floor_plan import Plan
from bench.lean_http import LeanClient
from bench.server import ServerProcess, analyze_postgres
from bench.stats import (
    MachineCpu,
    own_cpu_s,
    postgres_cpu_s,
    session_cpu_s,
)
from sync.wire import Op

MAX_PAGES = 100


@dataclass
class Phone:
    client: LeanClient
    device_id: str
    stamper: Stamper
    cursor: str | None = None
    recent_sets: list[str] = field(default_factory=list)

    def ops_for_sync(self, count: int) -> list[Op]:
        return gym_sync_ops(self.stamper, self.recent_sets, count, int(time.time() * 1000))


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
    status, content = await phone.client.request("POST", "/api/sync/push", body)
    samples.pushes.append(time.perf_counter() - began)
    if status != 200:
        raise RuntimeError(f"push: {status} {content[:300]!r}")
    if any(r.status not in ACKED for r in decode_acks(content)):
        raise RuntimeError(f"push not acknowledged: {content[:300]!r}")
    for _ in range(MAX_PAGES):
        sent = time.perf_counter()
        body = pull_body(phone.device_id, phone.cursor)
        status, content = await phone.client.request("POST", "/api/sync/pull", body)
        samples.pulls.append(time.perf_counter() - sent)
        if status != 200:
            raise RuntimeError(f"pull: {status} {content[:300]!r}")
        page = decode_page(content)
        phone.cursor = page.cursor
        samples.pages += 1
        if not page.has_more:
            break
    samples.ops.append(time.perf_counter() - (began if due is None else due))


async def health_once(phone: Phone, samples: Samples, due: float | None = None) -> None:
    began = time.perf_counter()
    status, _ = await phone.client.request("GET", "/healthz")
    if status != 200:
        raise RuntimeError(f"healthz: {status}")
    samples.ops.append(time.perf_counter() - (began if due is None else due))


@dataclass
class Round:
    seconds: float
    samples: Samples
    server_cores: float
    client_cores: float
    machine_cores: float
    postgres_cores: float  # the local PostgreSQL's processes (0 on SQLite)

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
        server0, client0, machine = session_cpu_s(pid), own_cpu_s(), MachineCpu()
        postgres0 = postgres_cpu_s()
        began = time.perf_counter()
        await asyncio.gather(*(loop(samples) for loop in loops))  # type: ignore[misc]
        elapsed = time.perf_counter() - began
        return Round(
            elapsed,
            samples,
            (session_cpu_s(pid) - server0) / elapsed,
            (own_cpu_s() - client0) / elapsed,
            machine.cores(),
            (postgres_cpu_s() - postgres0) / elapsed,
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

        def loop_for(index: int, phone: Phone) -> Callable[[Samples], object]:
            async def one(samples: Samples, due: float) -> None:
                if kind == "sync":
                    await sync_once(phone, self.ops, samples, due)
                else:
                    await health_once(phone, samples, due)

            return lambda samples: on_schedule(
                schedule(seed, index, mean_s, start, seconds), one, samples
            )

        return await self._timed([loop_for(i, phone) for i, phone in enumerate(self.phones)])


def schedule(seed: int, index: int, mean_s: float, start: float, seconds: float) -> list[float]:
    """When phone ``index`` is due in Poisson round ``seed``: exponential gaps of mean
    ``mean_s`` from ``start``; the server's round and the floor's share it."""
    gaps = random.Random(seed * 1_000 + index)
    due, times = start + gaps.expovariate(1 / mean_s), []
    while due < start + seconds:
        times.append(due)
        due += gaps.expovariate(1 / mean_s)
    return times


async def on_schedule(
    times: list[float],
    one: Callable[[Samples, float], Awaitable[None]],
    samples: Samples,
) -> None:
    for due in times:
        await asyncio.sleep(max(0.0, due - time.perf_counter()))
        await one(samples, due)


class FloorLoad:
    """The floor's syncs, one account per phone: one after another (``rate``) or on the
    server's Poisson schedule (``poisson``)."""

    def __init__(self, floor: Floor, phones: int, ops: int) -> None:
        rng = random.Random(5)
        self.floor, self.ops = floor, ops
        self.stampers = [Stamper(f"{index + 1:016x}", rng) for index in range(phones)]
        # Each account's recent sets (which the phone's edits pick from) and every set's
        # columns as the floor last wrote them, so an edit's row is the whole merged set.
        self.recent: list[list[str]] = [[] for _ in range(phones)]
        self.stored: list[dict[str, dict[str, Any]]] = [{} for _ in range(phones)]
        self.seqs = [0] * phones
        self.done = 0

    async def open(self) -> None:
        for index in range(len(self.stampers)):
            await self.floor.add_account(index + 1)

    def _plan(self, index: int) -> Plan:
        """The same mix of ops as a phone's sync: new sets, then edits of recent ones."""
        stamper, now = self.stampers[index], int(time.time() * 1000)
        batch = gym_sync_ops(stamper, self.recent[index], self.ops, now)
        return Plan(index + 1, stamper.clock.node, batch, now, self.stored[index])

    async def _sync(self, index: int) -> tuple[float, float]:
        """One push and the pull after it; the floor's own seconds in each."""
        plan = self._plan(index)
        pushed = await self.floor.push(plan)
        self.stored[index].update(plan.merged)
        pulled = await self.floor.pull(index + 1, (self.seqs[index], "", ""), 1000)
        self.seqs[index] += 1
        self.done += 1
        return pushed, pulled

    async def poisson(self, seconds: float, mean_s: float, seed: int) -> Samples:
        """The server's Poisson schedule, each sync through the floor: latency from when it was
        due, as the phones count it (on SQLite one sync at a time, as the floor writes)."""
        start = time.perf_counter() + 0.05

        def loop_for(index: int) -> Awaitable[None]:
            async def one(samples: Samples, due: float) -> None:
                pushed, pulled = await self._sync(index)
                samples.ops.append(time.perf_counter() - due)
                samples.pushes.append(pushed)
                samples.pulls.append(pulled)

            times = schedule(seed, index, mean_s, start, seconds)
            return on_schedule(times, one, samples)

        samples = Samples()
        await asyncio.gather(*(loop_for(i) for i in range(len(self.stampers))))
        return samples

    async def rate(self, seconds: float) -> tuple[float, float, float]:
        """Syncs per second of the floor's own time over ``seconds``, this process's CPU
        seconds per sync (the floor's driver; on SQLite the database's work too) and the local
        PostgreSQL's."""
        done, busy = 0, 0.0
        cpu, postgres = time.process_time(), postgres_cpu_s()
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            busy += sum(await self._sync(self.done % len(self.stampers)))
            done += 1
        return (
            done / busy,
            (time.process_time() - cpu) / done,
            (postgres_cpu_s() - postgres) / done,
        )


async def open_phones(server: ServerProcess, count: int) -> list[Phone]:
    rng = random.Random(11)
    seeds = [rng.random() for _ in range(count)]

    async def one(index: int) -> Phone:
        client = await sign_up(server.base_url, f"member{index}@example.com", timeout_s=120.0)
        try:
            device_id = await register_device(client)
        finally:
            await client.aclose()
        lean = LeanClient.of(client)
        return Phone(lean, device_id, Stamper(device_id, random.Random(seeds[index])))

    return list(await asyncio.gather(*(one(i) for i in range(count))))
