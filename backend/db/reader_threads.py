"""SQLite's readers for units of reads: threads that each own one raw, query-only connection,
and the connection a small unit reads on without leaving the event loop's thread.

A unit of reads is one hop to a reader's thread and one back. Going through the SQLAlchemy pool
and aiosqlite instead cost about four times as much per unit (pool checkout and return, a greenlet,
a queue and a timeout around the hop).

A small unit (a pull's page, the health probe: a few statements over a bounded number of rows)
costs less than that hop. Under one interpreter lock a reader's thread hands the lock to the
event loop's thread and back at every statement, so such a unit runs on ``LoopReader`` instead,
unless it would have to wait for a lock.
"""

from __future__ import annotations

import asyncio
import queue
import sqlite3
import threading
from collections.abc import Callable
from typing import Any

_Job = tuple[asyncio.Future[Any], Callable[[sqlite3.Connection], Any]]


class ReaderBusy(Exception):
    """A unit on ``LoopReader`` met a lock; it read nothing and may run on a reader's thread."""


class LoopReader:
    """Query-only connections that run a unit at once on the calling thread, one per thread.

    They never wait for a lock: SQLite's busy handler would sleep on the event loop's thread
    and stall every request. In WAL mode readers wait only in rare moments (recovery after a
    crash, a connection holding the file exclusively); a unit that meets one raises
    ``ReaderBusy``.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection]) -> None:
        self._connect = connect
        self._connections: dict[int, sqlite3.Connection] = {}

    def run(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        thread = threading.get_ident()
        raw = self._connections.get(thread)
        if raw is None:
            raw = self._connections[thread] = self._connect()
        try:
            return work(raw)
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY:
                raise ReaderBusy from exc
            raise

    def close(self) -> None:
        connections, self._connections = self._connections, {}
        for raw in connections.values():
            raw.close()


class _ReaderThread:
    def __init__(self, connect: Callable[[], sqlite3.Connection], name: str) -> None:
        self.pending = 0
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._serve, args=(connect,), name=name, daemon=True)
        self._thread.start()

    def _serve(self, connect: Callable[[], sqlite3.Connection]) -> None:
        raw: sqlite3.Connection | None = None
        try:
            while (job := self._jobs.get()) is not None:
                future, work = job
                try:
                    if raw is None:  # opened by the first unit; one that failed, by the next
                        raw = connect()
                    result = work(raw)
                except BaseException as exc:  # handed to the waiting coroutine, never lost here
                    future.get_loop().call_soon_threadsafe(_fail, future, exc)
                else:
                    future.get_loop().call_soon_threadsafe(_succeed, future, result)
        finally:
            if raw is not None:
                raw.close()

    async def run(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        future = asyncio.get_running_loop().create_future()
        self.pending += 1
        self._jobs.put((future, work))
        try:
            return await future
        finally:
            self.pending -= 1

    def stop(self) -> None:
        self._jobs.put(None)  # after the jobs already queued
        self._thread.join()


def _succeed(future: asyncio.Future[Any], result: Any) -> None:
    if not future.done():  # its waiter may have been cancelled meanwhile
        future.set_result(result)


def _fail(future: asyncio.Future[Any], exc: BaseException) -> None:
    if not future.done():
        future.set_exception(exc)


class ReaderThreads:
    """Up to ``size`` reader threads, started as concurrent units need them.

    A unit goes to an idle thread, or, when all are busy and no more may start, to the one with
    the fewest units queued; each thread runs its units one after another.
    """

    def __init__(self, connect: Callable[[], sqlite3.Connection], size: int) -> None:
        self._connect = connect
        self._size = size
        self._threads: list[_ReaderThread] = []

    async def run(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        return await self._pick().run(work)

    def _pick(self) -> _ReaderThread:
        idle = next((thread for thread in self._threads if not thread.pending), None)
        if idle is not None:
            return idle
        if len(self._threads) < self._size:
            thread = _ReaderThread(self._connect, f"sqlite-reader-{len(self._threads)}")
            self._threads.append(thread)
            return thread
        return min(self._threads, key=lambda thread: thread.pending)

    async def close(self) -> None:
        threads, self._threads = self._threads, []
        for thread in threads:
            await asyncio.to_thread(thread.stop)
