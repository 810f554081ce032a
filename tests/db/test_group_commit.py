"""Concurrent units of work share transactions on SQLite; a failing unit sinks only itself."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from backend.db import group_commit
from backend.db.connection import Connection
from backend.db.driver import execute
from backend.db.engine import Database
from tests.support.databases import SqliteTemplate

INSERT = text("INSERT INTO device (node_id, account_id, created_at_ms) VALUES (:n, 1, 0)")


@pytest.fixture
async def db(sqlite_template: SqliteTemplate, tmp_path: Path):
    database = Database(sqlite_template.fresh(tmp_path))
    yield database
    await database.dispose()


async def test_units_share_commits_and_a_failing_unit_rolls_back_alone(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Units of work (pushes) on the writer: one savepoint each inside a shared transaction."""
    commits = 0
    original = group_commit._units_in_one_transaction

    def counting(*args: Any) -> Any:
        nonlocal commits
        commits += 1
        return original(*args)

    monkeypatch.setattr(group_commit, "_units_in_one_transaction", counting)

    async def job(number: int) -> int:
        async def work(conn: Connection) -> int:
            sql = "INSERT INTO device (node_id, account_id, created_at_ms) VALUES (?, 1, 0)"
            await execute(conn, sql, (f"{number:016x}",))
            if number == 7:
                raise RuntimeError("this push fails after writing")
            if number == 9:
                await asyncio.sleep(0)  # not a statement: refused, and its write undone
            return number

        return await db.write_unit(work)

    results = await asyncio.gather(*(job(n) for n in range(20)), return_exceptions=True)

    assert isinstance(results[7], RuntimeError)
    assert isinstance(results[9], RuntimeError)
    assert [r for i, r in enumerate(results) if i not in (7, 9)] == [
        n for n in range(20) if n not in (7, 9)
    ]
    async with db.read() as conn:
        stored = {n for (n,) in await conn.execute(text("SELECT node_id FROM device"))}
    assert stored == {f"{n:016x}" for n in range(20) if n not in (7, 9)}
    assert commits < 20
