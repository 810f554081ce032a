"""SQLite's units of reads on reader threads: one snapshot per unit, query-only, at most
``READERS`` threads however many units run at once, failures and cancellations handed back
without losing a thread, and every thread stopped by ``dispose``. A small unit reads on the
event loop's thread with the same guarantees, and on a reader thread when it meets a lock."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from backend.db.connection import Connection, RawConnection
from backend.db.driver import execute, fetch
from backend.db.engine import READERS, Database, _open_reader
from backend.db.reader_threads import ReaderThreads
from tests.support.databases import SqliteTemplate


@pytest.fixture
async def db(sqlite_template: SqliteTemplate, tmp_path: Path) -> AsyncIterator[Database]:
    database = Database(sqlite_template.fresh(tmp_path))
    async with database.write() as conn:
        await conn.execute(text("CREATE TABLE probe (x INTEGER)"))
    try:
        yield database
    finally:
        await database.dispose()


async def _count(conn: Connection) -> int:
    ((count,),) = await fetch(conn, "SELECT count(*) FROM probe", ())
    return int(count)


def _hold_thread(seconds: float) -> None:
    """Units run on a reader thread, not the event loop: blocking there is what is tested."""
    time.sleep(seconds)


def _path(db: Database) -> str:
    database = db.writer.url.database
    assert database is not None
    return database


@pytest.mark.parametrize("small", [False, True], ids=["reader thread", "small unit"])
async def test_a_unit_reads_one_snapshot(db: Database, small: bool) -> None:
    async def around_a_commit(conn: Connection) -> tuple[int, int]:
        before = await _count(conn)
        # Another connection commits a row between the unit's two statements.
        other = sqlite3.connect(_path(db), isolation_level=None)
        other.execute("INSERT INTO probe VALUES (1)")
        other.close()
        return before, await _count(conn)

    assert await db.read_unit(around_a_commit, small=small) == (0, 0)
    assert await db.read_unit(_count, small=small) == 1  # the next unit sees the commit


@pytest.mark.parametrize("small", [False, True], ids=["reader thread", "small unit"])
async def test_a_unit_cannot_write_and_its_thread_reads_on(db: Database, small: bool) -> None:
    async def write(conn: Connection) -> None:
        await execute(conn, "INSERT INTO probe VALUES (1)", ())

    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        await db.read_unit(write, small=small)
    assert await db.read_unit(_count, small=small) == 0


async def test_a_small_unit_reads_on_the_calling_thread_and_others_hop(db: Database) -> None:
    async def where(conn: Connection) -> str:
        await _count(conn)
        return threading.current_thread().name

    here = threading.current_thread().name
    assert await db.read_unit(where, small=True) == here
    assert (await db.read_unit(where)).startswith("sqlite-reader-")


async def test_a_small_unit_that_meets_a_lock_waits_on_a_reader_thread(
    sqlite_template: SqliteTemplate, tmp_path: Path
) -> None:
    """The event loop's connection never waits: a unit that would is run on a reader thread,
    which waits out the lock while the loop goes on serving."""
    url = sqlite_template.fresh(tmp_path)
    path = make_url(url).database
    assert path is not None
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA locking_mode=EXCLUSIVE")  # the only connection open, so it may
    holder.execute("CREATE TABLE probe (x INTEGER)")  # keep the file to itself after writing
    holder.execute("INSERT INTO probe VALUES (1)")
    db = Database(url)
    ran_on: list[str] = []
    ticks = 0

    async def counted(conn: Connection) -> int:
        ran_on.append(threading.current_thread().name)
        return await _count(conn)

    async def tick() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    ticker = asyncio.create_task(tick())
    released = threading.Timer(0.5, holder.close)
    released.start()
    try:
        began = time.monotonic()
        assert await db.read_unit(counted, small=True) == 1
        waited = time.monotonic() - began
    finally:
        ticker.cancel()
        released.join()
        await db.dispose()
    assert waited >= 0.4  # it did wait for the lock
    assert ran_on[-1].startswith("sqlite-reader-")
    assert ticks >= 10  # and the event loop kept running meanwhile


async def test_concurrent_units_share_at_most_the_reader_threads(db: Database) -> None:
    used: Counter[str] = Counter()

    async def slow(conn: Connection) -> int:
        used[threading.current_thread().name] += 1
        _hold_thread(0.02)  # so the units overlap
        return await _count(conn)

    assert await asyncio.gather(*(db.read_unit(slow) for _ in range(2 * READERS))) == [0] * (
        2 * READERS
    )
    assert len(used) == READERS
    assert set(used.values()) == {2}


async def test_a_cancelled_unit_leaves_its_thread_serving(db: Database) -> None:
    started = threading.Event()
    ran_on: list[str] = []
    loop_errors: list[dict[str, object]] = []
    asyncio.get_running_loop().set_exception_handler(lambda _loop, ctx: loop_errors.append(ctx))

    async def held(conn: Connection) -> int:
        ran_on.append(threading.current_thread().name)
        started.set()
        _hold_thread(0.1)
        return await _count(conn)

    async def counted(conn: Connection) -> int:
        ran_on.append(threading.current_thread().name)
        return await _count(conn)

    task = asyncio.create_task(db.read_unit(held))
    await asyncio.to_thread(started.wait, 5)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert await db.read_unit(counted) == 0
    await asyncio.sleep(0.01)  # the cancelled unit's result has reached the loop by now

    assert ran_on[0] == ran_on[1]  # the thread was free again, not counted busy for ever
    assert loop_errors == []  # the result of the cancelled unit was dropped, not set


async def test_dispose_stops_every_reader_thread_and_closes_the_loops_reader(
    sqlite_template: SqliteTemplate, tmp_path: Path
) -> None:
    db = Database(sqlite_template.fresh(tmp_path))
    threads: set[threading.Thread] = set()

    async def note(conn: Connection) -> None:
        assert isinstance(conn, RawConnection)
        threads.add(threading.current_thread())
        _hold_thread(0.01)

    connections: list[sqlite3.Connection] = []

    async def keep(conn: Connection) -> None:
        assert isinstance(conn, RawConnection)
        connections.append(conn.raw)

    await asyncio.gather(*(db.read_unit(note) for _ in range(READERS)))
    await db.read_unit(keep, small=True)
    assert len(threads) == READERS
    assert all(thread.is_alive() for thread in threads)
    await db.dispose()
    assert not any(thread.is_alive() for thread in threads)
    with pytest.raises(sqlite3.ProgrammingError, match="closed"):
        connections[0].execute("SELECT 1")


async def test_a_reader_that_cannot_open_fails_that_unit_and_opens_for_the_next(
    tmp_path: Path,
) -> None:
    path = tmp_path / "later" / "x.db"
    readers = ReaderThreads(partial(_open_reader, str(path)), size=1)

    def count(raw: sqlite3.Connection) -> list[tuple[int]]:
        return raw.execute("SELECT count(*) FROM sqlite_master").fetchall()

    try:
        for _ in range(2):
            async with asyncio.timeout(10):
                with pytest.raises(sqlite3.OperationalError, match="unable to open"):
                    await readers.run(count)
        path.parent.mkdir()
        sqlite3.connect(path).close()
        assert await readers.run(count) == [(0,)]  # the same thread, no longer failing
    finally:
        await readers.close()


async def test_readers_opening_at_once_on_a_file_not_yet_in_wal_mode(tmp_path: Path) -> None:
    """Readers never convert the journal mode, so opening together they never lock each other
    out; the writer's connection converts the file."""
    for attempt in range(30):
        path = tmp_path / f"{attempt}.db"
        fresh = sqlite3.connect(path)
        fresh.execute("CREATE TABLE probe (x INTEGER)")
        fresh.commit()
        fresh.close()
        db = Database(f"sqlite+aiosqlite:///{path}")
        try:
            assert (
                await asyncio.gather(*(db.read_unit(_count) for _ in range(READERS)))
                == [0] * READERS
            )
        finally:
            await db.dispose()
