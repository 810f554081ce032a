"""Import and export at 100,000 sets, each beside a baseline from the same run.

    python -m bench.your_data [--rows 100000]

Import: a generated Strong export of ``--rows`` set rows, uploaded to ``sidewise serve``
(SQLite) for a preview and then committed, end to end; beside it the same server ingests the
same number of ops through ``/api/sync/push`` (1,000-op pushes from one device, sets in time
order, 20 a day, as the import writes them). The headline
is import ops/s ÷ sync ops/s (goal ≥ 0.5); rows/s is printed too.

Export: ``/api/export/sets.csv`` of those sets read to the end, beside a raw ``sqlite3`` SELECT of
the same rows written by ``csv.writer`` (goal ≤ 1.5× the raw time), and the growth of the server
process's resident memory while it streams (goal < 50 MB).
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import io
import json
import random
import sqlite3
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import msgspec

from backend.db.export import SETS
from bench.devices import Stamper, new_set_ops, push, push_body, register_device, sign_up
from bench.server import ServerProcess

EXERCISES = ["Single Leg Press (Machine)", "Single Arm Dumbbell Row", "Bulgarian Split Squat",
             "Single Leg Curl (Machine)", "Bicep Curl (Dumbbell)"]  # fmt: skip
HEADER = ("Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,"
          "Notes,Workout Notes,RPE")  # fmt: skip


def strong_file(rows: int) -> bytes:
    """``rows`` sets: a workout a day back from today, 5 exercises × 4 sets each."""
    rng = random.Random(11)
    out = [HEADER]
    day = datetime(2025, 12, 1, 18, 0)
    n = 0
    while n < rows:
        stamp = day.strftime("%Y-%m-%d %H:%M:%S")
        for name in EXERCISES:
            for order in range(1, 5):
                if n == rows:
                    break
                weight = rng.randrange(20, 120)
                out.append(
                    f'{stamp},"Day",1h,"{name}",{order},{weight},{rng.randrange(3, 13)},0,0,"","",'
                )
                n += 1
        day -= timedelta(days=1)
    return ("\n".join(out) + "\n").encode()


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class PeakRss:
    """The most memory the process held while the block ran, sampled every 5 ms."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak, self.before = pid, 0, rss_kb(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_kb(self.pid))
            time.sleep(0.005)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


async def run(rows: int) -> None:
    data = strong_file(rows)
    with tempfile.TemporaryDirectory() as tmp, ServerProcess(Path(tmp)) as server:
        server.migrate()
        server.start()
        assert server.proc is not None
        client = await sign_up(server.base_url, "import@example.com", timeout_s=600)
        csrf = {"x-csrftoken": client.cookies.get("csrftoken") or ""}
        began = time.perf_counter()
        response = await client.post(
            "/api/import/preview", files={"file": ("s.csv", data)}, headers=csrf
        )
        preview = response.json()
        plan = {"exercises": [
            {"name": e["name"], "target": e["suggested"] or "new", "side": "alternate",
             **({} if e["suggested"] else {"new": {"name": e["name"], "limb": e["limb"]}})}
            for e in preview["exercises"]
        ]}  # fmt: skip
        response = await client.post(
            "/api/import/commit",
            files={"file": ("s.csv", data)},
            data={"plan": json.dumps(plan)},
            headers=csrf,
        )
        import_s = time.perf_counter() - began
        done = json.loads(response.text.splitlines()[-1])
        assert done["type"] == "done", done
        ops = done["ops_applied"]

        device_client = await sign_up(server.base_url, "sync@example.com", timeout_s=600)
        device = await register_device(device_client)
        stamper = Stamper(device, random.Random(5))
        now = int(time.time() * 1000)
        bodies, pending = [], []
        # Sets in time order, 20 a day like the import's, so both keep the daily figures of a
        # few days at a time up to date (scattered days cost every push a wide re-read).
        performed = int(datetime(2020, 1, 1).timestamp() * 1000)
        while sum(len(b) for b in bodies) < ops:
            now += 1  # a device's clock moves on: one stamp counter per millisecond
            performed += 86_400_000 // 20
            pending += [
                msgspec.structs.replace(op, value=performed) if op.field == "performed_at" else op
                for op in new_set_ops(stamper, now)
            ]
            if len(pending) >= 1000:
                bodies.append(pending[:1000])
                pending = pending[1000:]
        began = time.perf_counter()
        for batch in bodies:
            assert (await push(device_client, push_body(device, batch))).status_code == 200
        sync_s = time.perf_counter() - began
        sync_ops = sum(len(b) for b in bodies)

        with PeakRss(server.proc.pid) as memory:
            began = time.perf_counter()
            size = 0
            async with client.stream("GET", "/api/export/sets.csv") as stream:
                async for chunk in stream.aiter_bytes():
                    size += len(chunk)
            export_s = time.perf_counter() - began
        raw_s = raw_export(server.sqlite_path)

        print(
            f"rows {rows:,}: import {import_s:.2f} s = {rows / import_s:,.0f} rows/s, "
            f"{ops:,} ops = {ops / import_s:,.0f} ops/s"
        )
        print(f"sync ingest of {sync_ops:,} ops: {sync_s:.2f} s = {sync_ops / sync_s:,.0f} ops/s")
        print(f"import ÷ sync (ops/s): {(ops / import_s) / (sync_ops / sync_s):.2f} (goal ≥ 0.5)")
        print(
            f"export {size / 1e6:.1f} MB in {export_s:.2f} s; raw SELECT + csv.writer "
            f"{raw_s:.2f} s; export ÷ raw: {export_s / raw_s:.2f}× (goal ≤ 1.5)"
        )
        growth = (memory.peak - memory.before) / 1024
        print(
            f"server RSS {memory.before / 1024:.0f} MB before, peak {memory.peak / 1024:.0f} MB "
            f"while exporting: growth {growth:.1f} MB (goal < 50)"
        )
        await client.aclose()
        await device_client.aclose()


def raw_export(path: Path) -> float:
    """The same rows as the export (its very SELECT), written by csv.writer to memory."""
    conn = sqlite3.connect(path)
    began = time.perf_counter()
    (account,) = conn.execute(
        "SELECT id FROM account WHERE email = 'import@example.com'"
    ).fetchone()
    sink = io.StringIO()
    writer = csv.writer(sink)
    cursor = conn.execute(SETS, (account,))
    while page := cursor.fetchmany(2000):
        writer.writerows(page)
        sink.seek(0)
        sink.truncate()
    conn.close()
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    asyncio.run(run(parser.parse_args().rows))


if __name__ == "__main__":
    main()
