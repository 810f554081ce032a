"""Runs alert evaluation in the background: after committed pushes, coalesced per account, and
on a periodic sweep (the window slides daily; a crash may have dropped a pending evaluation),
which also runs the housekeeping (pruning expired sessions, old sends and spent counters).

Never in a request's path: a push only adds its account to the pending set.

One process evaluates and sweeps. On SQLite there is one server process. On PostgreSQL the
leader (``backend.db.leader``: an advisory lock on a dedicated connection) does; the other
processes hand the accounts their pushes touched over to it. A process that becomes leader
sweeps at once, picking up whatever the previous leader left unjudged.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from backend.db import insight_store
from backend.db.engine import Database
from backend.db.leader import Leadership
from backend.services.insight import Insight
from backend.services.ports import WallClock

log = logging.getLogger("sidewise.insight")
DAY_MS = 86_400_000


class InsightLoop:
    def __init__(
        self,
        insight: Insight,
        db: Database,
        wall: WallClock,
        *,
        settle_s: float = 0.25,
        sweep_every_s: float = 3600.0,
        housekeeping: Callable[[], Awaitable[object]] | None = None,
        leadership: Leadership | None = None,
    ) -> None:
        self.insight = insight
        self.db = db
        self.wall = wall
        self.settle_s = settle_s  # a device syncing several pages triggers one evaluation
        self.sweep_every_s = sweep_every_s
        self.housekeeping = housekeeping  # pruning that rides on the same hourly sweep
        self.leadership = leadership  # None: the only process, so always the one
        self._pending: set[int] = set()
        self._wake = asyncio.Event()
        self._sweep_now = asyncio.Event()
        self._idle = asyncio.Event()
        self._idle.set()
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def leading(self) -> bool:
        return self.leadership is None or self.leadership.leading

    def notify(self, account_id: int) -> None:
        self._pending.add(account_id)
        self._idle.clear()
        self._wake.set()

    async def drain(self) -> None:
        """Wait until every notified account has been evaluated (or handed to the leader)."""
        await self._idle.wait()

    def start(self) -> None:
        self._tasks = [asyncio.create_task(self._work()), asyncio.create_task(self._sweep())]
        if self.leadership is not None:
            self.leadership.start(self._role, self._handed_over)

    async def stop(self) -> None:
        if self.leadership is not None:
            await self.leadership.stop()
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def sweep_once(self) -> None:
        async with self.db.read() as conn:
            due = await insight_store.due_accounts(conn, self.wall.now_ms() - DAY_MS)
        for account_id in due:
            self.notify(account_id)

    def _role(self, leading: bool) -> None:
        if leading:
            self._sweep_now.set()
        if self._pending:
            self._wake.set()  # evaluate them here, or hand them to the leader

    def _handed_over(self, account_ids: list[int]) -> None:
        for account_id in account_ids:
            self.notify(account_id)

    async def _sweep(self) -> None:
        while True:
            if self.leading:
                try:
                    await self.sweep_once()
                except Exception:
                    log.exception("alert sweep failed; retrying at the next sweep")
                if self.housekeeping is not None:
                    try:
                        await self.housekeeping()
                    except Exception:
                        log.exception("pruning failed; retrying at the next sweep")
            with contextlib.suppress(TimeoutError):
                # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel
                # that races its timeout, and stop() then waits for this task forever.
                async with asyncio.timeout(self.sweep_every_s):
                    await self._sweep_now.wait()
            self._sweep_now.clear()

    async def _work(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(self.settle_s)
            self._wake.clear()
            batch, self._pending = self._pending, set()
            if self.leading:
                await self._evaluate(batch)
            elif self.leadership is None or not await self.leadership.hand_over(sorted(batch)):
                # Not known yet whether this process leads: keep them for the next wake.
                self._pending |= batch
                continue
            if not self._pending:
                self._idle.set()

    async def _evaluate(self, batch: set[int]) -> None:
        accounts = sorted(batch)
        outcomes = await self.insight.evaluate_all(accounts)
        for account_id, outcome in zip(accounts, outcomes, strict=True):
            if isinstance(outcome, Exception):
                # The account stays due (seq > evaluated_seq) and the sweep retries it.
                log.error("alert evaluation failed for account %s", account_id, exc_info=outcome)
