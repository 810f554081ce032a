"""The clinician's patient list: 200 patients, each with two years of training.

Every patient trains four leg exercises three times a week for 104 weeks (left and right, the
right side weaker by a patient-specific amount, so most have imbalance alerts), judged by the
server's alert evaluation; each grants the clinician read access through a share code. Then, in
the same run on the same SQLite file (WAL, one writer, ``synchronous=FULL``, as the server):

- the first list request, which builds and stores every patient's summary;
- ``GET /api/clinician/patients`` (HTTP through the app: session check, the grants joined with
  the stored summaries, one audit row per patient appended in one statement, JSON out);
- the same use case without HTTP (``Sharing.patients``);
- the raw query of the stored summaries for this clinician (``sqlite3``, no app): the floor;
- a write transaction appending one audit row: what any audited read pays to commit.

Each figure is a p95 (and median) of repeated requests, printed beside its ratio to the raw
query measured in the same run.

    python -m bench.clinician [--patients 200] [--weeks 104] [--repeat 300]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx

from backend.app import create_app
from backend.db import sharing
from backend.db.migrate import upgrade
from backend.settings import load_settings
from bench.server import UNTHROTTLED
from bench.stats import median, percentile

EXERCISES = ("single-leg-press", "single-leg-extension", "single-leg-curl", "split-squat")
BASE_KG = {
    "single-leg-press": 80,
    "single-leg-extension": 40,
    "single-leg-curl": 25,
    "split-squat": 30,
}
PASSWORD = "correct horse battery"
HOST = "bench.local"
RAW = (
    "SELECT s.account_id, s.summary FROM care_grant g "
    "JOIN patient_summary s ON s.account_id = g.account_id WHERE g.clinician_id = ?"
)


def epley(weight_g: int, reps: int) -> int:
    return (2 * weight_g * (30 + reps) + 30) // 60


def seed_patients(path: Path, patients: int, weeks: int, today: date, seed: int) -> list[int]:
    """Accounts, their sequence rows and two years of daily aggregates, written directly."""
    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    now_ms = int(time.time() * 1000)
    ids = []
    rows = []
    for n in range(patients):
        (account_id,) = conn.execute(
            "INSERT INTO account (email, password_hash, created_at_ms) VALUES (?, 'x', ?) "
            "RETURNING id",
            (f"patient{n:03d}@example.com", now_ms),
        ).fetchone()
        conn.execute(
            "INSERT INTO sync_counter (account_id, seq, epoch) VALUES (?, 1, 'bench')",
            (account_id,),
        )
        ids.append(account_id)
        weaker = rng.uniform(0.72, 1.0)  # the right side, as a share of the left
        first = today - timedelta(weeks=weeks)
        for week in range(weeks):
            for weekday in (0, 2, 4):
                day = first + timedelta(weeks=week, days=weekday)
                if day > today:
                    continue
                growth = 1 + 0.2 * week / weeks
                for exercise in EXERCISES:
                    for side, share in (("left", 1.0), ("right", weaker + 0.05 * week / weeks)):
                        weight = round(BASE_KG[exercise] * growth * share * 1000 / 500) * 500
                        e1rm = epley(weight, 8)
                        rows.append(
                            (account_id, exercise, day.isoformat(), side, 3, weight * 24,
                             e1rm, weight, 8, e1rm, weight, 8)
                        )  # fmt: skip
    conn.executemany(
        "INSERT INTO set_daily (account_id, exercise, day, side, sets, volume, epley_e1rm_g, "
        "epley_weight_g, epley_reps, brzycki_e1rm_g, brzycki_weight_g, brzycki_reps) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    conn.commit()
    conn.close()
    print(f"seeded {patients} patients, {len(rows):,} daily rows ({weeks} weeks each)")
    return ids


async def round_robin(
    actions: dict[str, Callable[[], Awaitable[object]]], repeat: int
) -> dict[str, list[float]]:
    """Milliseconds of each action, taken in turns so a busy moment of the machine falls on
    every figure alike."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(repeat):
        for name, action in actions.items():
            start = time.perf_counter()
            await action()
            times[name].append((time.perf_counter() - start) * 1000)
    return times


def line(name: str, times: list[float], floor: float) -> str:
    p95 = percentile(times, 95)
    return (
        f"  {name:<44} p95 {p95:7.2f} ms  median {median(times):7.2f} ms  "
        f"{p95 / floor:6.1f}x raw p95"
    )


async def run(patients: int, weeks: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory(prefix="sidewise-clinician-") as tmp:
        path = Path(tmp) / "sidewise.db"
        url = f"sqlite+aiosqlite:///{path}"
        await asyncio.to_thread(upgrade, url)
        today = datetime.now(UTC).date()
        ids = seed_patients(path, patients, weeks, today, seed=12)
        env = {k.removeprefix("SIDEWISE_").lower(): v for k, v in UNTHROTTLED.items()}
        settings = load_settings(
            {}, database_url=url, data_dir=Path(tmp), allowed_hosts=(HOST,),
            secret_key="bench-secret-key", **env,
        )  # fmt: skip
        app = create_app(settings)
        services = app.state.services
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=f"http://{HOST}") as client:
            await client.get("/api/me")
            headers = {"x-csrftoken": client.cookies.get("csrftoken") or ""}
            body = {"email": "physio@example.com", "password": PASSWORD}
            signed = await client.post("/api/auth/signup", json=body, headers=headers)
            signed.raise_for_status()
            headers = {"x-csrftoken": client.cookies.get("csrftoken") or ""}
            clinician = int((await client.get("/api/me")).json()["id"])
            alerts = 0
            for patient in ids:
                alerts += await services.insight.evaluate(patient)
                made = await client.post("/api/clinician/codes", json={}, headers=headers)
                code = made.json()["code"]
                await services.sharing.grant(patient, code, "summary", "bench")
            print(f"alert evaluation wrote {alerts:,} ops; {len(ids)} grants")

            start = time.perf_counter()
            first = await client.get("/api/clinician/patients")
            cold_ms = (time.perf_counter() - start) * 1000
            first.raise_for_status()
            listed = first.json()["patients"]
            assert len(listed) == patients, len(listed)
            with_alerts = sum(1 for p in listed if p["summary"]["alerts"])

            async def request() -> None:
                response = await client.get("/api/clinician/patients")
                assert response.status_code == 200

            async def use_case() -> None:
                await services.sharing.patients(clinician)

            async def one_audit_row() -> None:
                async with services.db.write() as conn:
                    row = (ids[0], clinician, "bench", "viewed_list", None, 0)
                    await sharing.append_events(conn, [row])

            raw_conn = sqlite3.connect(path)

            async def raw_query() -> None:
                raw_conn.execute(RAW, (clinician,)).fetchall()

            stored_bytes = sum(len(s) for _, s in raw_conn.execute(RAW, (clinician,)))
            times = await round_robin(
                {
                    "raw": raw_query,
                    "commit": one_audit_row,
                    "service": use_case,
                    "http": request,
                },
                repeat,
            )
            raw_conn.close()
        await services.db.dispose()
    raw, commit_times = times["raw"], times["commit"]
    service_times, http_times = times["service"], times["http"]

    floor = percentile(raw, 95)
    print(
        f"\nclinician with {patients} patients ({with_alerts} with open alerts); "
        f"list body {len(first.content):,} bytes, stored summaries {stored_bytes:,} bytes"
    )
    print(f"  first request (builds and stores every summary): {cold_ms:,.0f} ms")
    print(line("raw query of the stored summaries (sqlite3)", raw, floor))
    print(line("a write transaction appending one audit row", commit_times, floor))
    print(line("Sharing.patients (no HTTP)", service_times, floor))
    print(line("GET /api/clinician/patients", http_times, floor))
    print(
        f"\ngoal: p95 <= 50 ms -> {percentile(http_times, 95):.2f} ms; "
        f"<= 2x the raw query -> {percentile(http_times, 95) / floor:.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=200)
    parser.add_argument("--weeks", type=int, default=104)
    parser.add_argument("--repeat", type=int, default=300)
    args = parser.parse_args()
    asyncio.run(run(args.patients, args.weeks, args.repeat))


if __name__ == "__main__":
    main()
