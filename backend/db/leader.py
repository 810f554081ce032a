"""One leader among every server process on a PostgreSQL database: whoever holds a session
advisory lock on its own dedicated connection. The lock goes with the connection, so a leader
that dies (or loses the database) hands over: another process takes the lock at its next try.

Followers hand work to the leader with ``NOTIFY``; only the leader acts on what it hears. What
is said while nobody leads is lost, so a new leader starts with a sweep of its own.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterable
from typing import Any

import asyncpg

from backend.db.listener import asyncpg_dsn

log = logging.getLogger("sidewise.db")

LOCK_KEY = 0x5349_4445_5749_5345 >> 8  # "SIDEWISE", within bigint
CHANNEL = "sidewise_insight"


class Leadership:
    def __init__(self, url: str, *, retry_s: float = 2.0) -> None:
        self.dsn = asyncpg_dsn(url)
        self.retry_s = retry_s  # how often a follower tries the lock, and the leader pings
        self.leading = False
        self.known = False  # whether this process has tried the lock on its current connection
        self._on_role: Callable[[bool], None] = lambda _leading: None
        self._on_accounts: Callable[[list[int]], None] = lambda _ids: None
        self._conn: Any = None
        self._busy = asyncio.Lock()  # one statement at a time on the connection
        self._task: asyncio.Task[None] | None = None

    def start(
        self, on_role: Callable[[bool], None], on_accounts: Callable[[list[int]], None]
    ) -> None:
        """``on_role(leading)`` once the role is known and at every change; ``on_accounts``
        with the accounts followers handed over, while leading."""
        self._on_role, self._on_accounts = on_role, on_accounts
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def hand_over(self, account_ids: Iterable[int]) -> bool:
        """Tell the leader about these accounts; False when this process cannot say it now."""
        conn = self._conn
        if conn is None:
            return False
        payload = ",".join(str(account_id) for account_id in account_ids)
        try:
            async with self._busy:
                await conn.execute("SELECT pg_notify($1, $2)", CHANNEL, payload)
        except Exception:  # the connection is going: the caller keeps the accounts
            return False
        return True

    async def _run(self) -> None:
        while True:
            try:
                await self._hold()
            except Exception as exc:
                log.warning("leader election connection failed (%s); retrying", exc)
            await asyncio.sleep(self.retry_s)

    async def _hold(self) -> None:
        lost = asyncio.Event()
        conn = await asyncpg.connect(
            self.dsn, timeout=10, server_settings={"application_name": "sidewise-leader"}
        )
        try:
            conn.add_termination_listener(lambda _conn: lost.set())
            await conn.add_listener(CHANNEL, self._heard)
            self._conn = conn
            reported: bool | None = None
            while not lost.is_set():
                async with self._busy:
                    if self.leading:
                        await conn.fetchval("SELECT 1", timeout=self.retry_s)
                    else:
                        sql = "SELECT pg_try_advisory_lock($1)"
                        self.leading = bool(await conn.fetchval(sql, LOCK_KEY))
                        if self.leading:
                            log.info("this process now runs the alert sweep")
                self.known = True
                if reported is not self.leading:
                    reported = self.leading
                    self._on_role(self.leading)
                with contextlib.suppress(TimeoutError):
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel
                    # that races its timeout, and stop() then waits for this task forever.
                    async with asyncio.timeout(self.retry_s):
                        await lost.wait()
        finally:
            self._conn = None
            self.known = False
            was_leading, self.leading = self.leading, False
            if was_leading:
                self._on_role(False)
            conn.terminate()  # the lock goes with the connection

    def _heard(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        if self.leading:
            self._on_accounts([int(part) for part in payload.split(",") if part.isdigit()])
