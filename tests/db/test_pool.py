"""The connection pools: no round trip spent on a connection in steady use, yet a connection left
in a transaction is rolled back, and one killed while idle is replaced before anyone uses it; on
PostgreSQL every statement is planned for the values it runs with."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import text

from backend.db import engine, sync_store
from backend.db.connection import Connection
from backend.db.driver import fetch
from backend.db.engine import Database
from tests.support.databases import PostgresDatabase, SqliteTemplate


@pytest.fixture
async def pg_url(postgres_db: PostgresDatabase | None) -> str:
    if postgres_db is None:
        pytest.skip("SIDEWISE_TEST_POSTGRES_URL is not set (CI sets it)")
    return postgres_db.url


async def _backend_pid(conn: Connection) -> int:
    ((pid,),) = await fetch(conn, "SELECT pg_backend_pid()", ())
    return int(pid)


async def test_an_idle_postgres_connection_killed_meanwhile_is_replaced(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "IDLE_PING_S", 0.05)
    db = Database(pg_url, pool_size=1)
    try:
        first = await db.read_unit(_backend_pid)
        admin = await asyncpg.connect(pg_url.replace("+asyncpg", ""))
        try:
            await admin.execute("SELECT pg_terminate_backend($1)", first)
        finally:
            await admin.close()
        await asyncio.sleep(0.1)

        second = await db.read_unit(_backend_pid)  # would fail on the dead connection

        assert second != first
    finally:
        await db.dispose()


async def test_a_postgres_connection_in_steady_use_is_not_pinged(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = Database(pg_url, pool_size=1)
    pings = 0
    try:
        await db.read_unit(_backend_pid)
        async with db.read() as conn:
            adapted: Any = (await conn.get_raw_connection()).dbapi_connection
        original = type(adapted).ping

        def counting(self: object) -> None:
            nonlocal pings
            pings += 1
            original(self)

        monkeypatch.setattr(type(adapted), "ping", counting)
        for _ in range(5):
            await db.read_unit(_backend_pid)
        assert pings == 0
        monkeypatch.setattr(engine, "IDLE_PING_S", 0.0)
        await asyncio.sleep(0.01)
        await db.read_unit(_backend_pid)
        assert pings == 1
    finally:
        await db.dispose()


async def test_a_sqlite_connection_returned_inside_a_transaction_is_rolled_back(
    sqlite_template: SqliteTemplate, tmp_path: Path
) -> None:
    db = Database(sqlite_template.fresh(tmp_path))
    try:
        async with db.writer.connect() as conn:
            raw = await engine._driver_of(conn)
            await raw.execute("BEGIN IMMEDIATE")
            await raw.execute(
                "INSERT INTO device (node_id, account_id, created_at_ms) VALUES ('ab', 1, 0)"
            )
        async with db.writer.connect() as conn:
            raw = await engine._driver_of(conn)
            assert not raw._conn.in_transaction
        async with db.read() as conn:
            assert (await conn.execute(text("SELECT count(*) FROM device"))).scalar() == 0
        # The writer is free: a unit of work still gets it.
        assert await db.write_unit(_count_devices) == 0
    finally:
        await db.dispose()


async def _insert_device(conn: Connection, node_id: str) -> None:
    sql = "INSERT INTO device (node_id, account_id, created_at_ms) VALUES (?, 1, 0) RETURNING 1"
    await fetch(conn, sql, (node_id,))


async def _count_devices(conn: Connection) -> int:
    ((count,),) = await fetch(conn, "SELECT count(*) FROM device", ())
    return int(count)


async def test_postgres_plans_each_run_of_a_statement_for_its_parameters(pg_url: str) -> None:
    """A generic plan, costed without the arrays a lookup is given, grew slower with the tables
    (bench/README.md); PostgreSQL would switch to one after five runs of a statement."""
    db = Database(pg_url, pool_size=1)
    ids = ["0190a5b0-0000-7000-8000-000000000001", "0190a5b0-0000-7000-8000-000000000002"]

    async def plans(conn: Connection) -> tuple[int, int]:
        for _ in range(8):
            await sync_store.load_ops(conn, ids)
        ((generic, custom),) = await fetch(
            conn,
            "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
            "WHERE statement LIKE '% FROM op_log WHERE op_id = ANY%' "
            "AND statement NOT LIKE '%pg_prepared_statements%'",
            (),
        )
        return int(generic), int(custom)

    try:
        generic, custom = await db.read_unit(plans)
        assert (generic, custom) == (0, 8)
    finally:
        await db.dispose()


async def test_a_postgres_unit_takes_its_accounts_turn_with_its_begin(pg_url: str) -> None:
    db = Database(pg_url, pool_size=1)
    held = (
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND objid = 4242 AND pid = pg_backend_pid()"
    )

    async def turn(conn: Connection) -> int:
        await sync_store.lock_account(conn, 4242)  # already held: no second statement
        ((count,),) = await fetch(conn, held, ())
        return int(count)

    try:
        assert await db.write_unit(turn, turn_of=4242) == 1
        assert await db.read_unit(turn) == 0  # no turn asked: none held
    finally:
        await db.dispose()


async def test_a_failed_postgres_unit_is_rolled_back_and_its_connection_reused(
    pg_url: str,
) -> None:
    db = Database(pg_url, pool_size=1)

    async def insert_then_fail(conn: Connection) -> None:
        await _insert_device(conn, "cd")
        raise RuntimeError("the unit fails after writing")

    try:
        with pytest.raises(RuntimeError, match="after writing"):
            await db.write_unit(insert_then_fail, turn_of=1)
        assert await db.write_unit(_count_devices) == 0
    finally:
        await db.dispose()


async def test_a_postgres_unit_cancelled_mid_statement_leaves_nothing_behind(pg_url: str) -> None:
    db = Database(pg_url, pool_size=1)

    async def insert_then_wait(conn: Connection) -> None:
        await _insert_device(conn, "ef")
        await fetch(conn, "SELECT pg_sleep(30)", ())

    try:
        unit = asyncio.create_task(db.write_unit(insert_then_wait, turn_of=1))
        await asyncio.sleep(0.5)
        unit.cancel()
        with pytest.raises(asyncio.CancelledError):
            await unit
        async with asyncio.timeout(10):
            assert await db.write_unit(_count_devices) == 0
            assert await db.write_unit(_count_devices) == 0  # the pool's connection works
    finally:
        await db.dispose()
