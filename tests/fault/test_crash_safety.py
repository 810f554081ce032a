"""SIGKILL the real server again and again while three devices upload: nothing lost, nothing twice.

One account, three devices (its own session each) upload 50,000 ops from outboxes. A device
drops an op from its outbox only when a 2xx reply acknowledges it, and on a connection error
resends the very same batch (same op ids, same content). Meanwhile the server process group
is SIGKILLed at random moments at least ten times and restarted over the same database. The
ops overlap on purpose: devices edit the same fields of the same sets, delete and restore
sets, and a few ops tie on HLC, so the final state is only right if the merge is.

At the end the database is read directly: op_log holds exactly the generated op ids with their
content, field_state equals the pure model ``merge_all`` over all ops, and logged_set has one
row per existing set, with the merged values.
"""

from __future__ import annotations

import asyncio
import random
import sqlite3
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from bench.devices import (
    ACKED,
    Stamper,
    decode_acks,
    log_in,
    new_set_ops,
    push,
    push_body,
    register_device,
    set_value,
    sign_up,
)
from bench.server import ServerProcess, asyncpg_dsn, throwaway_postgres
from sync.canon import canon
from sync.merge import DELETED, FieldValue, merge_all, record_exists
from sync.wire import Op
from tests.support.databases import ENGINES, POSTGRES_URL
from tests.support.model import SET_COLUMNS, model_state

pytestmark = pytest.mark.slow

TOTAL_OPS = 50_000
DEVICES = 3
KILLS = 12
MIN_KILLS = 10
MAX_BATCH = 1000
EDITABLE = ("side", "reps", "weight_g", "rpe_x10", "eccentric_ms", "note")
# The whole upload, restarts included, must end well before this.
UPLOAD_DEADLINE_S = 75.0
SEED = 20261121


# ---------------------------------------------------------------------------------------------
# The ops: sets logged on three devices, overlapping edits, deletes, restores and HLC ties.


def generate_ops(rng: random.Random, nodes: list[str], start_ms: int) -> list[list[Op]]:
    """Each device's outbox in its own HLC order; ``TOTAL_OPS`` ops in all."""
    stampers = [Stamper(node, rng) for node in nodes]
    # Device clocks disagree by a few seconds, so their edits interleave across devices.
    now = [start_ms + rng.randrange(5_000) for _ in nodes]
    outboxes: list[list[Op]] = [[] for _ in nodes]
    sets: list[str] = []
    total = 0
    while total < TOTAL_OPS:
        d = rng.randrange(len(nodes))
        stamper = stampers[d]
        now[d] += rng.randrange(4)
        roll = rng.random()
        if roll < 0.45 or len(sets) < 20:
            ops = new_set_ops(stamper, now[d])
            sets.append(ops[0].record_id)
        else:
            # Half the edits hit the newest sets, where the devices contend most.
            pool = sets[-30:] if rng.random() < 0.5 else sets
            record_id = rng.choice(pool)
            if roll < 0.90:
                fld = rng.choice(EDITABLE)
                ops = [stamper.op(record_id, fld, set_value(rng, fld), now[d])]
            elif roll < 0.95:
                ops = [stamper.op(record_id, DELETED, True, now[d])]
            elif roll < 0.98:
                ops = [stamper.op(record_id, DELETED, False, now[d])]
            else:
                # Two ops with one HLC: the larger canonical value must win everywhere.
                fld = rng.choice(("reps", "note"))
                first = stamper.op(record_id, fld, set_value(rng, fld), now[d])
                second = Op(
                    stamper.new_id(now[d]),
                    "set",
                    record_id,
                    fld,
                    set_value(rng, fld),
                    first.hlc,
                )
                ops = [first, second]
        ops = ops[: TOTAL_OPS - total]
        outboxes[d].extend(ops)
        total += len(ops)
    return outboxes


# ---------------------------------------------------------------------------------------------
# Devices and the killer.


@dataclass
class Progress:
    acked: int = 0
    retries: int = 0
    requests: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    finished_devices: int = 0


async def run_device(
    client: httpx.AsyncClient,
    device_id: str,
    outbox: list[Op],
    progress: Progress,
    rng: random.Random,
    deadline: float,
) -> None:
    """Upload the outbox; drop an op only once a 2xx reply acknowledges it."""
    try:
        await _upload(client, device_id, {op.op_id: op for op in outbox}, progress, rng, deadline)
    finally:
        progress.finished_devices += 1


async def _upload(
    client: httpx.AsyncClient,
    device_id: str,
    pending: dict[str, Op],
    progress: Progress,
    rng: random.Random,
    deadline: float,
) -> None:
    batch_body: bytes | None = None
    attempts = 0
    while pending and time.monotonic() < deadline and attempts < 20_000:
        attempts += 1
        if batch_body is None:
            size = rng.randint(50, MAX_BATCH)
            batch = [op for op, _ in zip(pending.values(), range(size), strict=False)]
            batch_body = push_body(device_id, batch)
        progress.requests += 1
        try:
            response = await push(client, batch_body)
        except httpx.TransportError as exc:
            # Killed mid-request, refused while down, or a stale keep-alive connection: resend
            # exactly the same batch.
            progress.retries += 1
            progress.errors[type(exc).__name__] += 1
            await asyncio.sleep(0.02)
            continue
        if response.status_code >= 500:
            progress.retries += 1
            progress.errors[f"http_{response.status_code}"] += 1
            await asyncio.sleep(0.02)
            continue
        if response.status_code != 200:
            progress.failures.append(f"{device_id}: {response.status_code} {response.text[:500]}")
            return
        for result in decode_acks(response.content):
            progress.statuses[result.status] += 1
            if result.status in ACKED and pending.pop(result.op_id, None) is not None:
                progress.acked += 1
            elif result.status not in ACKED:
                progress.failures.append(f"{device_id}: {result}")
        batch_body = None
    if pending:
        progress.failures.append(f"{device_id}: {len(pending)} ops never acknowledged")


@dataclass
class KillLog:
    kills: int = 0
    restarts: int = 0
    restart_s: list[float] = field(default_factory=list)


async def kill_at_random(
    server: ServerProcess, progress: Progress, rng: random.Random, log: KillLog, deadline: float
) -> None:
    """SIGKILL at ``KILLS`` random moments spread over the upload, restarting after each."""
    stratum = 0.85 * TOTAL_OPS / KILLS
    thresholds = [int((i + rng.uniform(0.1, 0.9)) * stratum) for i in range(KILLS)]
    for threshold in thresholds:
        for _ in range(int(UPLOAD_DEADLINE_S / 0.002)):
            if (
                progress.acked >= threshold
                or progress.finished_devices == DEVICES
                or time.monotonic() >= deadline
            ):
                break
            await asyncio.sleep(0.002)
        # A random delay lands the kill anywhere in the requests in flight: before, during or
        # after a commit, or while a reply is on its way.
        await asyncio.sleep(rng.uniform(0.0, 0.08))
        if progress.finished_devices == DEVICES or time.monotonic() >= deadline:
            return
        await asyncio.to_thread(server.kill)
        log.kills += 1
        log.restart_s.append(await asyncio.to_thread(server.start))
        log.restarts += 1


# ---------------------------------------------------------------------------------------------
# Reading the database directly.

SET_COLUMN_NAMES = list(SET_COLUMNS.values())


@dataclass
class Stored:
    op_log: list[tuple[str, str, str, str, str]]  # op_id, record_id, field, value, hlc
    field_state: dict[tuple[str, str], tuple[str, str]]  # (record, field) -> (hlc, value)
    logged_set: dict[str, dict[str, Any]]  # set_id -> column -> value


OP_LOG_SQL = "SELECT op_id, record_id, field, value, hlc FROM op_log"
FIELD_STATE_SQL = "SELECT record_id, field, hlc, value FROM field_state"
LOGGED_SET_SQL = f"SELECT set_id, {', '.join(SET_COLUMN_NAMES)} FROM logged_set"


def _stored(op_log: list[Any], fields: list[Any], sets: list[Any]) -> Stored:
    return Stored(
        op_log=[tuple(row) for row in op_log],
        field_state={(r[0], r[1]): (r[2], r[3]) for r in fields},
        logged_set={r[0]: dict(zip(SET_COLUMN_NAMES, r[1:], strict=True)) for r in sets},
    )


def read_sqlite(path: Path) -> Stored:
    conn = sqlite3.connect(path)
    try:
        return _stored(
            conn.execute(OP_LOG_SQL).fetchall(),
            conn.execute(FIELD_STATE_SQL).fetchall(),
            conn.execute(LOGGED_SET_SQL).fetchall(),
        )
    finally:
        conn.close()


async def read_postgres(url: str) -> Stored:
    conn = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return _stored(
            await conn.fetch(OP_LOG_SQL),
            await conn.fetch(FIELD_STATE_SQL),
            await conn.fetch(LOGGED_SET_SQL),
        )
    finally:
        await conn.close()


def expected_sets(model: dict[tuple[str, str], FieldValue]) -> dict[str, dict[str, Any]]:
    """One logged_set row per existing set record (linear in the model's size)."""
    by_record: dict[str, dict[str, FieldValue]] = {}
    for (record_id, fld), value in model.items():
        by_record.setdefault(record_id, {})[fld] = value
    return {
        record_id: {
            column: fields[name].value if name in fields else None
            for name, column in SET_COLUMNS.items()
        }
        for record_id, fields in by_record.items()
        if record_exists(fields)
    }


# ---------------------------------------------------------------------------------------------
# The test.


@dataclass
class Target:
    engine: str
    server: ServerProcess


@pytest.fixture(params=ENGINES)
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Target]:
    """A migrated, empty database and a server over it (not yet started)."""
    if request.param == "sqlite":
        with ServerProcess(tmp_path / "data") as server:
            server.migrate()
            yield Target("sqlite", server)
        return
    if not POSTGRES_URL:
        pytest.skip("SIDEWISE_TEST_POSTGRES_URL is not set (CI sets it)")
    with (
        throwaway_postgres(POSTGRES_URL, prefix="sidewise_fault") as url,
        ServerProcess(tmp_path / "data", url) as server,
    ):
        server.migrate()
        yield Target("postgresql", server)


async def test_sigkill_during_upload_loses_and_duplicates_nothing(target: Target) -> None:
    server = target.server
    began = time.monotonic()
    rng = random.Random(SEED)
    await asyncio.to_thread(server.start)

    email = "crash@example.com"
    clients = [await sign_up(server.base_url, email, timeout_s=10.0)]
    clients += [await log_in(server.base_url, email, timeout_s=10.0) for _ in range(DEVICES - 1)]
    try:
        nodes = [await register_device(client) for client in clients]
        outboxes = generate_ops(rng, nodes, int(time.time() * 1000) - 600_000)
        every_op = [op for outbox in outboxes for op in outbox]
        assert len(every_op) == TOTAL_OPS

        progress = Progress()
        kill_log = KillLog()
        deadline = time.monotonic() + UPLOAD_DEADLINE_S
        upload_began = time.monotonic()
        await asyncio.gather(
            kill_at_random(server, progress, random.Random(rng.random()), kill_log, deadline),
            *(
                run_device(client, node, outbox, progress, random.Random(rng.random()), deadline)
                for client, node, outbox in zip(clients, nodes, outboxes, strict=True)
            ),
        )
        upload_s = time.monotonic() - upload_began
    finally:
        for client in clients:
            await client.aclose()
    await asyncio.to_thread(server.stop)

    if target.engine == "sqlite":
        stored = await asyncio.to_thread(read_sqlite, server.sqlite_path)
    else:
        stored = await read_postgres(server.database_url)
    model = merge_all(every_op)
    total_s = time.monotonic() - began
    mean_restart = sum(kill_log.restart_s) / max(1, len(kill_log.restart_s))
    refused = progress.errors["ConnectError"]
    print(
        f"\n[{target.engine}] {TOTAL_OPS} ops, {DEVICES} devices of one account: upload "
        f"{upload_s:.1f} s, total {total_s:.1f} s; kills={kill_log.kills} "
        f"restarts={kill_log.restarts} (mean restart {mean_restart:.2f} s); "
        f"pushes={progress.requests} retries={progress.retries} "
        f"({refused} refused while down, {progress.retries - refused} cut mid-request); "
        f"acks={dict(progress.statuses)} (duplicate = committed before a kill, reply lost)"
    )

    assert not progress.failures, progress.failures[:10]
    assert kill_log.kills >= MIN_KILLS
    assert progress.acked == TOTAL_OPS

    # 0 lost, 0 duplicated: op_log holds exactly the generated ops, each once, as sent.
    sent = {o.op_id: (o.op_id, o.record_id, o.field, canon(o.value), o.hlc) for o in every_op}
    assert len(sent) == TOTAL_OPS
    assert len(stored.op_log) == TOTAL_OPS
    logged = {row[0]: row for row in stored.op_log}
    assert logged.keys() == sent.keys(), (
        f"lost {len(sent.keys() - logged.keys())}, unexpected {len(logged.keys() - sent.keys())}"
    )
    assert logged == sent

    # The merged state is the pure model's, whatever the order, batching, retries and kills.
    expected = model_state(model)
    assert stored.field_state.keys() == expected.keys()
    wrong = [key for key, value in expected.items() if stored.field_state[key] != value]
    assert not wrong, f"{len(wrong)} fields differ from the model, e.g. {wrong[:3]}"

    # One logged_set row per existing set, carrying the merged values.
    sets = expected_sets(model)
    assert stored.logged_set.keys() == sets.keys()
    assert stored.logged_set == sets
