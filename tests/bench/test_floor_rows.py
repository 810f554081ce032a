"""The benchmarks' floor writes exactly the server's rows for a gym phone's syncs (new sets,
then edits of recent ones), so the gym's ratio compares the same logical writes."""

from __future__ import annotations

import random
import sqlite3
import time
from contextlib import closing
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from backend.services.container import Services
from bench.devices import Stamper, gym_sync_ops
from bench.floor import SqliteFloor, sqlite_rows
from bench.floor_plan import Plan
from sync.wire import PushRequest
from tests.support.databases import SqliteTemplate
from tests.sync_server.conftest import new_account

SYNCS = 12
OPS = 30  # three new sets and six edits a sync, as bench.gym_sync sends


@pytest.fixture
def database_url(tmp_path: Path, sqlite_template: SqliteTemplate) -> str:
    """SQLite only: the floor here is ``SqliteFloor``, read back with ``sqlite_rows``."""
    return sqlite_template.fresh(tmp_path)


async def test_floor_writes_the_servers_rows_for_new_sets_and_edits(
    services: Services, database_url: str, tmp_path: Path
) -> None:
    (phone,) = await new_account(services)
    floor = await SqliteFloor.open(tmp_path / "floor.db")
    try:
        await floor.add_account(phone.account_id)
        stamper, recent = Stamper(phone.device_id, random.Random(3)), []
        stored: dict[str, dict[str, object]] = {}
        edits = 0
        for _ in range(SYNCS):
            now = int(time.time() * 1000)
            ops = gym_sync_ops(stamper, recent, OPS, now)
            request = PushRequest(device_id=phone.device_id, schema=1, ops=ops)
            response = await services.push.push(phone.account_id, request)
            assert "rejected" not in {r.status for r in response.results}
            plan = Plan(phone.account_id, phone.device_id, ops, now, stored)
            edits += len(plan.before)
            await floor.push(plan)
            stored.update(plan.merged)

        with closing(sqlite3.connect(make_url(database_url).database or "")) as conn:
            served = sqlite_rows(conn, phone.account_id)
        written = await floor.rows(phone.account_id)
    finally:
        await floor.close()
    assert edits > SYNCS  # most syncs edited sets stored by an earlier one
    assert len(served["set_daily"]) > SYNCS
    for table, rows in served.items():
        assert written[table] == rows, table
