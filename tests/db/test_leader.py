"""On PostgreSQL one server process of all evaluates alerts and sweeps: two apps' services
over one database, as two workers would be. The leader runs the sweep and the pruning and
evaluates every account, including those whose pushes the other process took; when the leader
dies (its lock connection cut) the other takes over within a few tries and sweeps at once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import asyncpg
import pytest

from backend.app import build_services
from backend.services.container import Services
from backend.services.passwords import Passwords
from tests.conftest import FAST_HASHER, make_settings
from tests.support.databases import PostgresDatabase, _dsn

RETRY_S = 0.1


class Worker:
    """One process's services, with what its insight loop did recorded."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.evaluated: list[int] = []
        self.sweeps = 0
        loop = services.insight_loop
        assert loop.leadership is not None
        loop.leadership.retry_s = RETRY_S

        async def evaluate_all(account_ids: list[int]) -> list[int]:
            self.evaluated.extend(account_ids)
            return [0] * len(account_ids)

        async def prune() -> None:
            self.sweeps += 1

        services.insight.evaluate_all = evaluate_all  # type: ignore[method-assign]
        loop.housekeeping = prune

    @property
    def leading(self) -> bool:
        return self.services.insight_loop.leading


async def until(condition: Callable[[], bool], timeout_s: float = 10.0) -> None:
    async with asyncio.timeout(timeout_s):
        while not condition():  # noqa: ASYNC110 (the loops' own state)
            await asyncio.sleep(0.02)


@pytest.fixture
async def workers(
    postgres_db: PostgresDatabase | None, tmp_path: Path
) -> AsyncIterator[tuple[Worker, Worker]]:
    if postgres_db is None:
        pytest.skip("SIDEWISE_TEST_POSTGRES_URL is not set (CI sets it)")
    await postgres_db.truncate()
    settings = make_settings(postgres_db.url, tmp_path)
    pair = tuple(
        Worker(build_services(settings, passwords=Passwords(2, FAST_HASHER))) for _ in range(2)
    )
    try:
        yield pair[0], pair[1]
    finally:
        for worker in pair:
            await worker.services.insight_loop.stop()
            await worker.services.db.dispose()


def known(worker: Worker) -> bool:
    leadership = worker.services.insight_loop.leadership
    return leadership is not None and leadership.known


async def test_one_process_leads_and_the_other_takes_over_when_it_dies(
    workers: tuple[Worker, Worker], postgres_db: PostgresDatabase
) -> None:
    first, second = workers
    first.services.insight_loop.start()
    await until(lambda: first.leading and first.sweeps == 1)
    second.services.insight_loop.start()
    await until(lambda: known(second))
    assert (first.leading, second.leading) == (True, False)
    await asyncio.sleep(10 * RETRY_S)  # the follower keeps trying the lock, and failing
    assert (first.leading, second.leading, second.sweeps) == (True, False, 0)

    # Pushes taken by either process are judged by the leader alone.
    second.services.insight_loop.notify(7)
    first.services.insight_loop.notify(8)
    await second.services.insight_loop.drain()
    await until(lambda: sorted(first.evaluated) == [7, 8])
    assert second.evaluated == []

    # The leader's lock connection is cut: it stops leading, and one of the two leads again.
    admin = await asyncpg.connect(_dsn(postgres_db.url))
    try:
        cut = await admin.fetchval(
            "SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l JOIN pg_database d"
            " ON d.oid = l.database WHERE d.datname = current_database()"
            " AND l.locktype = 'advisory' AND l.granted"
        )
    finally:
        await admin.close()
    assert cut == 1
    await until(lambda: known(first) and known(second) and first.leading != second.leading)

    # The leader dies: the other process takes over and sweeps at once.
    leader, other = (first, second) if first.leading else (second, first)
    sweeps = other.sweeps
    await leader.services.insight_loop.stop()  # the lock goes with its connection
    await until(lambda: other.leading and other.sweeps == sweeps + 1)
    other.services.insight_loop.notify(9)
    await until(lambda: other.evaluated[-1:] == [9])

    # Started again, the old leader follows and hands its accounts over.
    leader.services.insight_loop.start()
    await until(lambda: known(leader))
    assert not leader.leading
    leader.services.insight_loop.notify(10)
    await until(lambda: other.evaluated[-2:] == [9, 10])
    assert 10 not in leader.evaluated
