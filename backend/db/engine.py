"""Database engines: one writer and a reader pool, with SQLite's durability settings.

SQLite gets exactly one writer connection (WAL, synchronous=FULL, BEGIN IMMEDIATE): the
WAL-reset corruption fixed in SQLite 3.51.3 needs two connections writing or checkpointing at
once, and the Python here links an older SQLite. Readers are separate query-only connections.
PostgreSQL shares one pool for both.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from backend.db.schema import head_revision, read_revision, serves

T = TypeVar("T")
Work = Callable[[AsyncConnection], Awaitable[Any]]

SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
    "PRAGMA busy_timeout=10000",
)


class Database:
    """Owns the engines; services ask it for a write or a read transaction."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        if self.dialect == "sqlite":
            ensure_sqlite_dir(url)
            self.writer = _sqlite_engine(url, pool_size=1, query_only=False)
            self.reader = _sqlite_engine(url, pool_size=4, query_only=True)
            self._group: _GroupCommit | None = _GroupCommit(self)
        else:
            self.writer = create_async_engine(
                url, pool_size=pool_size, max_overflow=0, pool_pre_ping=True
            )
            self.reader = self.writer
            self._group = None

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """One transaction that commits on success and rolls back on any error."""
        async with self.writer.begin() as conn:
            yield conn

    async def write_shared(self, work: Callable[[AsyncConnection], Awaitable[T]]) -> T:
        """Run ``work`` in a write transaction that concurrent callers may share.

        On SQLite (one writer) the pushes waiting for the writer run together in one
        transaction, each in its own savepoint, and share one commit and fsync. On PostgreSQL
        each gets its own transaction: sharing would hold several accounts' row locks at once.
        The result is returned only after the commit.
        """
        if self._group is None:
            async with self.write() as conn:
                return await work(conn)
        result: T = await self._group.submit(work)
        return result

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.reader.connect() as conn:
            yield conn

    async def schema_revision(self) -> str | None:
        """The migration the database is at (a round trip: health checks call it)."""
        async with self.read() as conn:
            return await read_revision(conn)

    @property
    def schema_head(self) -> str:
        """The revision this code reads and writes."""
        return head_revision()

    def serves_schema(self, revision: str | None) -> bool:
        """At the head, or at a newer revision (migrations only add)."""
        return serves(revision)

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()


def ensure_sqlite_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _sqlite_engine(url: str, *, pool_size: int, query_only: bool) -> AsyncEngine:
    # A long pool timeout: writers queue behind the single connection instead of failing.
    engine = create_async_engine(url, pool_size=pool_size, max_overflow=0, pool_timeout=120)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN instead of the driver's implicit one.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(pragma)
        if query_only:
            cursor.execute("PRAGMA query_only=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN" if query_only else "BEGIN IMMEDIATE")

    return engine


class _GroupCommit:
    """Leader/follower group commit: whoever takes the writer runs every queued job."""

    def __init__(self, db: Database, max_jobs: int = 64) -> None:
        self.db = db
        self.max_jobs = max_jobs
        self._queue: list[tuple[Work, asyncio.Future[Any]]] = []
        self._writer = asyncio.Lock()

    async def submit(self, work: Work) -> Any:
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._queue.append((work, future))
        async with self._writer:
            if not future.done():
                jobs, self._queue = self._queue[: self.max_jobs], self._queue[self.max_jobs :]
                await self._run(jobs)
        return await future

    async def _run(self, jobs: list[tuple[Work, asyncio.Future[Any]]]) -> None:
        outcomes: list[tuple[bool, Any]] = []
        try:
            async with self.db.write() as conn:
                for work, _future in jobs:
                    try:
                        async with conn.begin_nested():
                            outcomes.append((True, await work(conn)))
                    except Exception as exc:  # one failing job must not sink the others
                        outcomes.append((False, exc))
        except BaseException as exc:
            for _work, future in jobs:
                if not future.done():
                    future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (ok, value), (_work, future) in zip(outcomes, jobs, strict=True):
            if ok:
                future.set_result(value)
            else:
                future.set_exception(value)
