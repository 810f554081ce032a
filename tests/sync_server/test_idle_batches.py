"""A push that stores nothing writes nothing: no sequence bump, no row, no fsync.

A client retrying an acknowledged batch, or a batch every op of which is refused, must not cost
a write transaction (nor wake pullers with an empty sequence number). The writer's statements
(through SQLAlchemy, and those of units of work on SQLite's raw connection or on asyncpg's)
are recorded: the batch may read, but never INSERT, UPDATE or DELETE.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from msgspec.structs import replace
from sqlalchemy import event, text

from backend.services.container import Services
from sync.hlc import MAX_DRIFT_MS, Hlc
from sync.wire import Op
from tests.sync_server.conftest import NOW, Replica, new_account, new_id

# Anywhere in a statement: a write may sit in a WITH clause, and SELECT … FOR UPDATE locks.
WRITES = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE)\b")


async def _trace_sqlite_writer(services: Services, trace: Callable[[str], None] | None) -> None:
    """SQLite's units of work run on the writer's raw connection, past SQLAlchemy's events."""
    if services.db.is_sqlite:
        async with services.db.writer.connect() as conn:
            await (await conn.get_raw_connection()).driver_connection.set_trace_callback(trace)


@asynccontextmanager
async def writer_statements(services: Services) -> AsyncIterator[list[str]]:
    seen: list[str] = []
    traced: set[Any] = set()

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement.lstrip().upper())

    def logged(query: Any) -> None:
        seen.append(query.query.lstrip().upper())

    def trace_asyncpg(_dbapi: Any, pooled: Any, _proxy: Any) -> None:
        """PostgreSQL's units of work run on asyncpg's connection, past SQLAlchemy's events."""
        if pooled.driver_connection not in traced:
            traced.add(pooled.driver_connection)
            pooled.driver_connection.add_query_logger(logged)

    engine = services.db.writer.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    if not services.db.is_sqlite:
        event.listen(engine.pool, "checkout", trace_asyncpg)
    await _trace_sqlite_writer(services, lambda statement: seen.append(statement.upper()))
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)
        if not services.db.is_sqlite:
            event.remove(engine.pool, "checkout", trace_asyncpg)
        for conn in traced:
            conn.remove_query_logger(logged)
        await _trace_sqlite_writer(services, None)


def writes(statements: list[str]) -> list[str]:
    return [s for s in statements if WRITES.search(s)]


async def seq_of(services: Services, account_id: int) -> int:
    async with services.db.read() as conn:
        sql = text("SELECT seq FROM sync_counter WHERE account_id = :a")
        return int((await conn.execute(sql, {"a": account_id})).scalar_one())


def fresh(device: Replica, record: str, reps: int) -> Op:
    return device.op(record, "reps", reps, Hlc(NOW, reps, device.device_id))


async def test_batches_that_store_nothing_write_nothing(services: Services) -> None:
    (a,) = await new_account(services)
    (b,) = await new_account(services)
    a_record = new_id()
    stored = [fresh(a, a_record, 1), fresh(a, new_id(), 2)]
    assert {r.status for r in (await a.push(stored)).results} == {"applied"}
    seq = await seq_of(services, a.account_id)
    b_seq = await seq_of(services, b.account_id)

    idle = {
        "duplicates": (a, stored),
        "op id reused with other content": (a, [replace(stored[0], value=7)]),
        "another account's record": (b, [fresh(b, a_record, 3)]),
        "another account's op id": (b, [replace(fresh(b, new_id(), 4), op_id=stored[1].op_id)]),
        "every kind at once": (
            a,
            [
                stored[1],
                a.op(new_id(), "reps", 5, Hlc(NOW + MAX_DRIFT_MS + 1, 0, a.device_id)),
                a.op(new_id(), "reps", -1, Hlc(NOW, 0, a.device_id)),
                a.op(new_id(), "reps", 5, Hlc(NOW, 0, b.device_id)),
            ],
        ),
    }
    for name, (device, ops) in idle.items():
        async with writer_statements(services) as statements:
            results = (await device.push(ops)).results
        assert all(r.status in ("duplicate", "rejected") for r in results), (name, results)
        assert writes(statements) == [], name
        assert (await seq_of(services, a.account_id), await seq_of(services, b.account_id)) == (
            seq,
            b_seq,
        ), name

    # The same detector sees the writes of a batch that stores something.
    async with writer_statements(services) as statements:
        results = (await a.push([stored[0], fresh(a, a_record, 9)])).results
    assert [r.status for r in results] == ["duplicate", "applied"]
    assert any("INSERT INTO OP_LOG" in s for s in writes(statements))
    assert await seq_of(services, a.account_id) == seq + 1
