"""Database engines: one writer and a reader pool, with SQLite's durability settings.

SQLite gets exactly one writer connection (WAL, synchronous=FULL, BEGIN IMMEDIATE): the
WAL-reset corruption fixed in SQLite 3.51.3 needs two connections writing or checkpointing at
once, and the Python here links an older SQLite. Readers are separate query-only connections.
PostgreSQL shares one pool for both.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Coroutine, Sequence
from contextlib import asynccontextmanager
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import PoolResetState

from backend.db.connection import Connection, PgConnection
from backend.db.group_commit import GroupCommit, Work, outcome, run_now
from backend.db.reader_threads import LoopReader, ReaderBusy, ReaderThreads
from backend.db.schema import head_revision, serves, stamped_revision
from backend.db.sync_store import begin_with_turn

T = TypeVar("T")

# The busy timeout first: setting the journal mode takes a lock, and a connection opened while
# another holds one would otherwise fail at once with "database is locked".
BUSY_TIMEOUT_MS = 10_000
SQLITE_BUSY_TIMEOUT = f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}"
SQLITE_PRAGMAS = (
    SQLITE_BUSY_TIMEOUT,
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=FULL",
    "PRAGMA foreign_keys=ON",
)
READERS = 4  # SQLite reader connections of each kind: the engine's pool and the reader threads
# PostgreSQL plans each run of a prepared statement for its parameters. After five runs it would
# keep one generic plan, costed without the arrays a lookup is given (`= ANY`, `unnest`) and
# with the statistics of that moment; between ANALYZEs those plans grew slower as the tables
# grew (bench/README.md, "Custom plans on PostgreSQL").
PG_SERVER_SETTINGS = {"plan_cache_mode": "force_custom_plan"}


class Database:
    """Owns the engines; services ask it for a write or a read transaction."""

    def __init__(self, url: str, *, pool_size: int = 10) -> None:
        self.url = url
        self.dialect = make_url(url).get_backend_name()
        if self.dialect == "sqlite":
            ensure_sqlite_dir(url)
            self.writer = _sqlite_engine(url, pool_size=1, query_only=False)
            self.reader = _sqlite_engine(url, pool_size=READERS, query_only=True)
            self._group: GroupCommit | None = GroupCommit(self.writer)
            path = make_url(url).database or ""
            self._readers: ReaderThreads | None = ReaderThreads(
                partial(_open_reader, path), size=READERS
            )
            self._loop_reader: LoopReader | None = LoopReader(
                partial(_open_reader, path, busy_timeout_ms=0)
            )
        else:
            self.writer = create_async_engine(
                url,
                pool_size=pool_size,
                max_overflow=0,
                connect_args={"server_settings": PG_SERVER_SETTINGS},
            )
            _ping_when_idle(self.writer)
            self.reader = self.writer
            self._group = None
            self._readers = None
            self._loop_reader = None

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @asynccontextmanager
    async def write(self) -> AsyncIterator[AsyncConnection]:
        """One transaction that commits on success and rolls back on any error."""
        async with self.writer.begin() as conn:
            yield conn

    async def write_unit(
        self,
        work: Callable[[Connection], Coroutine[Any, Any, T]],
        weight: int = 1,
        *,
        turn_of: int | None = None,
    ) -> T:
        """Run ``work``, a unit that only runs ``backend.db`` statements, in a write transaction
        that concurrent callers may share; the result is returned only after the commit.

        On SQLite (one writer) the units waiting for the writer run together in one
        transaction, each in its own savepoint, and share one commit and fsync; they run on the
        writer's own thread over the raw connection, so their statements cost no thread hop
        each; ``weight`` (e.g. its op count) bounds the group a unit joins. On PostgreSQL each
        gets its own transaction (sharing would hold several accounts' row locks at once) on the
        pooled connection's asyncpg driver; ``turn_of`` names an account whose turn
        (``sync_store.lock_account``) the unit takes, which is then taken with the BEGIN
        (SQLite's one writer gives every unit its turn).
        """
        if self._group is None:
            return await self._pg_unit(work, turn_of)
        result: T = await self._group.submit(work, weight=weight)
        return result

    async def _pg_unit(
        self, work: Callable[[Connection], Coroutine[Any, Any, T]], turn_of: int | None
    ) -> T:
        # The pool's own connection and a plain BEGIN: building and closing a SQLAlchemy
        # Connection around it cost about as much as a round trip, and the BEGIN can carry the
        # account's lock.
        pooled = await self.writer.raw_connection()
        raw: Any = pooled.driver_connection
        try:
            await raw.execute("BEGIN" if turn_of is None else begin_with_turn(turn_of))
            try:
                result = await work(PgConnection(raw, turn_of))
            except BaseException:
                if not raw.is_closed():
                    await raw.execute("ROLLBACK")
                raise
            await raw.execute("COMMIT")
            return result
        finally:
            pooled.close()

    async def write_units(
        self, works: Sequence[tuple[Callable[[Connection], Coroutine[Any, Any, T]], int | None]]
    ) -> list[T | Exception]:
        """Run independent units of work, each given with the account whose turn it takes (or
        None), with ``write_unit``'s guarantees, and return each one's result or exception in
        its place: one that fails rolls back alone.

        On SQLite they are queued for the writer together, so they share group commits (one
        fsync for up to 64) however idle the writer is; on PostgreSQL they run one after
        another, so they never hold more than one pooled connection.
        """
        if self._group is None:
            outcomes: list[T | Exception] = []
            for work, turn_of in works:
                try:
                    outcomes.append(await self.write_unit(work, turn_of=turn_of))
                except Exception as exc:
                    outcomes.append(exc)
            return outcomes
        jobs = await self._group.settle([(work, 1) for work, _turn in works])
        return [outcome(job.future) for job in jobs]

    async def read_unit(
        self, work: Callable[[Connection], Coroutine[Any, Any, T]], *, small: bool = False
    ) -> T:
        """Run a unit of reads: on SQLite one hop to a reader's thread, in one snapshot; on
        PostgreSQL over asyncpg, each statement at read committed as everywhere else.

        ``small`` says the unit runs a few statements over a bounded number of rows (at most a
        pull's page): on SQLite it then runs at once on this thread's own query-only
        connection, which costs less than the hop, and hops only if it met a lock.
        """
        if self._readers is None or self._loop_reader is None:
            pooled = await self.reader.raw_connection()  # as ``_pg_unit``, no Connection around it
            try:
                return await work(PgConnection(pooled.driver_connection))
            finally:
                pooled.close()
        unit = partial(_read_in_one_transaction, work=work)
        if small:
            try:
                here: T = self._loop_reader.run(unit)
            except ReaderBusy:
                pass  # waiting is the reader thread's business, not the event loop's
            else:
                return here
        result: T = await self._readers.run(unit)
        return result

    @asynccontextmanager
    async def read(self) -> AsyncIterator[AsyncConnection]:
        async with self.reader.connect() as conn:
            yield conn

    async def schema_revision(self) -> str | None:
        """The migration the database is at (a round trip: health checks call it)."""
        return await self.read_unit(stamped_revision, small=True)

    @property
    def schema_head(self) -> str:
        """The revision this code reads and writes."""
        return head_revision()

    def serves_schema(self, revision: str | None) -> bool:
        """At the head, or at a newer revision (migrations only add)."""
        return serves(revision)

    async def dispose(self) -> None:
        if self._readers is not None:
            await self._readers.close()
        if self._loop_reader is not None:
            self._loop_reader.close()
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()


def ensure_sqlite_dir(url: str) -> None:
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def _open_reader(database: str, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> sqlite3.Connection:
    """A query-only connection for one reader. It leaves the journal mode to the writer:
    readers opening at once on a file not yet in WAL mode would each try to convert it, and
    all but one fail with "database is locked" (the busy timeout does not cover that).

    ``check_same_thread`` is off so that whoever disposes the database can close it; each
    connection is still used by one thread only.
    """
    raw = sqlite3.connect(database, isolation_level=None, check_same_thread=False)
    raw.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
    raw.execute("PRAGMA query_only=ON")
    return raw


def _sqlite_engine(url: str, *, pool_size: int, query_only: bool) -> AsyncEngine:
    # A long pool timeout: writers queue behind the single connection instead of failing.
    engine = create_async_engine(
        url, pool_size=pool_size, max_overflow=0, pool_timeout=120, pool_reset_on_return=None
    )

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

    @event.listens_for(engine.sync_engine, "reset")
    def _on_reset(dbapi_connection: Any, _record: Any, state: PoolResetState) -> None:
        # Units of work end their transactions on the connection's thread, so the pool's usual
        # rollback on return would be a thread hop for nothing; roll back only one left open.
        raw = dbapi_connection.driver_connection._conn
        if state.asyncio_safe and raw is not None and raw.in_transaction:
            dbapi_connection.rollback()

    return engine


# After a database restart every pooled connection is dead. Checking each one at checkout
# (SQLAlchemy's pool_pre_ping) costs three round trips on asyncpg, more than a short unit of
# work; a connection in steady use proves itself, so only one idle this long is checked.
IDLE_PING_S = 2.0


def _ping_when_idle(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "checkout")
    def _on_checkout(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        returned = record.info.get("returned_at")
        if returned is not None and time.monotonic() - returned > IDLE_PING_S:
            try:
                dbapi_connection.ping()
            except Exception as exc:  # the pool replaces the connection and checks out again
                raise DisconnectionError("idle connection failed its ping") from exc

    @event.listens_for(engine.sync_engine, "checkin")
    def _on_checkin(_dbapi_connection: Any, record: Any) -> None:
        record.info["returned_at"] = time.monotonic()


async def _driver_of(conn: AsyncConnection) -> Any:
    """The driver's connection under SQLAlchemy's pooled one: aiosqlite's, whose thread owns the
    raw connection, or asyncpg's. A transaction begun on asyncpg's directly is unknown to
    SQLAlchemy, whose reset on return to the pool then has nothing to undo."""
    return (await conn.get_raw_connection()).driver_connection


def _read_in_one_transaction(raw: sqlite3.Connection, work: Work) -> Any:
    """On a reader's thread: one snapshot for every statement of the unit."""
    raw.execute("BEGIN")
    try:
        return run_now(work, raw)
    finally:
        raw.execute("COMMIT")
