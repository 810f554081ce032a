"""Small numeric helpers for the benchmarks: percentiles, medians, CPU time, engine choice."""

from __future__ import annotations

import asyncio
import math
import os
import statistics
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

import asyncpg

from bench.server import asyncpg_dsn, postgres_base_url

ENGINE_CHOICES = ("sqlite", "postgresql", "both")


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0..100) of a non-empty sample."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _stat(pid: int) -> list[str]:
    """The fields of ``/proc/<pid>/stat`` after the command name (state first)."""
    with open(f"/proc/{pid}/stat") as handle:
        return handle.read().rsplit(")", 1)[1].split()


def _cpu_s(fields: list[str]) -> float:
    # utime and stime are the stat file's fields 14 and 15.
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_cpu_s(pid: int) -> float:
    """User + system CPU seconds a process (all its threads) has used so far."""
    return _cpu_s(_stat(pid))


def session_cpu_s(sid: int) -> float:
    """CPU seconds used so far by the processes of one session: a server started in its own
    session (``bench.server``) with its workers."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = _stat(int(pid))
        except (FileNotFoundError, ProcessLookupError):  # ended meanwhile
            continue
        if int(fields[3]) == sid:  # the stat file's field 6, the session id
            total += _cpu_s(fields)
    return total


def postgres_cpu_s() -> float:
    """CPU seconds used so far by this machine's PostgreSQL processes (the local server's
    backends, autovacuum and writers; 0.0 where none is local)."""
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/comm") as handle:
                if handle.read().strip() != "postgres":
                    continue
            total += process_cpu_s(int(pid))
        except (FileNotFoundError, ProcessLookupError):  # ended meanwhile
            continue
    return total


class MachineCpu:
    """Busy cores across the whole machine between ``start()`` and ``cores()`` (/proc/stat)."""

    def __init__(self) -> None:
        self._busy, self._total = self._read()

    @staticmethod
    def _read() -> tuple[int, int]:
        with open("/proc/stat") as handle:
            values = [int(v) for v in handle.readline().split()[1:]]
        idle = values[3] + values[4]  # idle + iowait
        return sum(values) - idle, sum(values)

    def cores(self) -> float:
        busy, total = self._read()
        share = (busy - self._busy) / max(1, total - self._total)
        return share * (os.cpu_count() or 1)


def own_cpu_s() -> float:
    times = os.times()
    return times.user + times.system


def engines(choice: str) -> list[str]:
    """The engines to run; PostgreSQL is skipped with a note when it cannot be reached."""
    wanted = ["sqlite", "postgresql"] if choice == "both" else [choice]
    if "postgresql" in wanted and not postgres_reachable():
        print(f"postgresql: not reachable at {postgres_base_url()}; skipped")
        wanted.remove("postgresql")
    return wanted


def for_each_engine(
    choice: str, prefix: str, heading: str, run: Callable[[str, Path], None]
) -> None:
    """Run ``run(engine, scratch dir)`` per engine, framed by the machine's load average."""
    print(f"load average at start: {os.getloadavg()[0]:.2f} (2 cores shared by server and client)")
    for engine in engines(choice):
        print(f"{engine}: {heading}")
        with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
            run(engine, Path(tmp))
    print(f"load average at end: {os.getloadavg()[0]:.2f}")


def postgres_reachable() -> bool:
    async def probe() -> None:
        conn = await asyncpg.connect(asyncpg_dsn(postgres_base_url()), timeout=3)
        await conn.close()

    try:
        asyncio.run(probe())
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    return True
