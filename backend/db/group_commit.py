"""SQLite's group commit: units of work waiting for the one writer run together in one
transaction on the writer connection's own thread, each in its own savepoint, and share one
commit and fsync (``Database.write_unit``)."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from backend.db.connection import RawConnection

Work = Callable[[Any], Awaitable[Any]]


class GroupCommit:
    """Leader/follower group commit: whoever takes the writer runs the queued jobs.

    A group is bounded in jobs and in weight (a push weighs its op count), so one commit never
    holds the writer for long. Units of work (``write_unit``) run on the thread that owns the
    writer's raw connection: a group's BEGIN, every unit in its savepoint and the COMMIT are one
    hop to that thread.
    """

    def __init__(self, writer: AsyncEngine, max_jobs: int = 64, max_weight: int = 4096) -> None:
        self.writer = writer  # its pool holds the one writer connection
        self.max_jobs = max_jobs
        self.max_weight = max_weight
        self._queue: list[_Job] = []
        self._leading = asyncio.Lock()  # held by the group's leader

    async def submit(self, work: Work, *, weight: int) -> Any:
        (job,) = await self.settle([(work, weight)])
        return job.future.result()

    async def settle(self, units: list[tuple[Work, int]]) -> list[_Job]:
        """Queue the units together and return their jobs once every one is settled."""
        loop = asyncio.get_running_loop()
        jobs = [_Job(work, loop.create_future(), weight) for work, weight in units]
        self._queue.extend(jobs)
        while not all(job.future.done() for job in jobs):
            async with self._leading:
                if not all(job.future.done() for job in jobs):
                    # Shielded: a leader whose request is cancelled still settles its followers.
                    await asyncio.shield(asyncio.ensure_future(self._run(self._take())))
        return jobs

    def _take(self) -> list[_Job]:
        taken, weight = 0, 0
        for job in self._queue:
            if taken and (taken == self.max_jobs or weight + job.weight > self.max_weight):
                break
            taken, weight = taken + 1, weight + job.weight
        jobs, self._queue = self._queue[:taken], self._queue[taken:]
        return jobs

    async def _run(self, jobs: list[_Job]) -> None:
        try:
            # The pool's own connection, not a SQLAlchemy Connection around it: building and
            # closing one costs more than the hop to the writer's thread.
            pooled = await self.writer.raw_connection()
            try:
                thread: Any = pooled.driver_connection
                outcomes = await thread._execute(_units_in_one_transaction, thread._conn, jobs)
            finally:
                pooled.close()
        except BaseException as exc:
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(exc)
            if not isinstance(exc, Exception):
                raise
            return
        for (ok, value), job in zip(outcomes, jobs, strict=True):
            if ok:
                job.future.set_result(value)
            else:
                job.future.set_exception(value)


@dataclass
class _Job:
    work: Work
    future: asyncio.Future[Any]
    weight: int


def outcome(future: asyncio.Future[Any]) -> Any:
    """A settled unit's result or the ``Exception`` it failed with; anything else it ended with
    (a cancellation, an interrupt) is raised, never handed back as a value."""
    exc = future.exception()
    return exc if isinstance(exc, Exception) else future.result()


def run_now(work: Work, raw: sqlite3.Connection) -> Any:
    """Run a unit of work to its end on the calling thread.

    Statements on a ``RawConnection`` complete without suspending, so the coroutine finishes on
    its first step; one that waits for anything else is a bug, refused rather than left hanging.
    """
    coroutine = work(RawConnection(raw))
    assert isinstance(coroutine, Coroutine)
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("a unit of work awaited something other than its statements")


def _units_in_one_transaction(raw: sqlite3.Connection, jobs: list[_Job]) -> list[tuple[bool, Any]]:
    """On the writer's thread: one transaction, each unit in its own savepoint."""
    outcomes: list[tuple[bool, Any]] = []
    raw.execute("BEGIN IMMEDIATE")
    try:
        for job in jobs:
            raw.execute("SAVEPOINT unit")
            try:
                outcomes.append((True, run_now(job.work, raw)))
            except Exception as exc:  # one failing push must not sink the others
                raw.execute("ROLLBACK TO unit")
                outcomes.append((False, exc))
            raw.execute("RELEASE unit")
        raw.execute("COMMIT")
    except BaseException:
        if raw.in_transaction:
            raw.execute("ROLLBACK")
        raise
    return outcomes
