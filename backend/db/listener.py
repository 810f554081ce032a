"""A dedicated PostgreSQL connection per server process that LISTENs for ended sessions and
answers each one it heard (``ACK_CHANNEL``), so the process that ended them can wait until
every listening process has forgotten them.

It says when it starts and stops hearing (``on_listening``): a connection that drops, or stops
answering the periodic ping, may have missed announcements, so the cache relying on them must
stop trusting what it holds until it listens again. It reconnects by itself.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import Callable
from typing import Any

import asyncpg
from sqlalchemy.engine import make_url

from backend.db.sessions import ACK_CHANNEL, CHANNEL, LISTENER_NAME

log = logging.getLogger("sidewise.db")


def asyncpg_dsn(url: str) -> str:
    """The SQLAlchemy ``postgresql+asyncpg://`` URL as a DSN asyncpg reads."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Listener:
    def __init__(
        self,
        url: str,
        on_message: Callable[[str], None],
        on_ack: Callable[[str, str], None],
        on_listening: Callable[[bool], None],
        *,
        ping_every_s: float = 2.0,
        retry_after_s: float = 1.0,
    ) -> None:
        self.dsn = asyncpg_dsn(url)
        self.id = secrets.token_hex(6)  # how the others know this process's answers
        self.on_message = on_message
        self.on_ack = on_ack
        self.on_listening = on_listening
        self.ping_every_s = ping_every_s
        self.retry_after_s = retry_after_s
        self._task: asyncio.Task[None] | None = None
        self._acks: set[asyncio.Task[None]] = set()
        self._conn: Any = None
        self._busy = asyncio.Lock()  # one statement at a time on the connection

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            try:
                await self._listen_once()
            except Exception as exc:  # any failure: hear nothing, trust nothing, reconnect
                log.warning("listening for ended sessions failed (%s); retrying", exc)
            await asyncio.sleep(self.retry_after_s)

    async def _listen_once(self) -> None:
        lost = asyncio.Event()
        conn = await asyncpg.connect(
            self.dsn, timeout=10, server_settings={"application_name": LISTENER_NAME + self.id}
        )
        self._conn = conn
        try:
            conn.add_termination_listener(lambda _conn: lost.set())
            await conn.add_listener(ACK_CHANNEL, self._acked)
            await conn.add_listener(CHANNEL, self._heard)
            self.on_listening(True)
            while not lost.is_set():
                with contextlib.suppress(TimeoutError):
                    # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a cancel
                    # that races its timeout, and stop() then waits for this task forever.
                    async with asyncio.timeout(self.ping_every_s):
                        await lost.wait()
                if not lost.is_set():
                    async with self._busy:
                        await conn.fetchval("SELECT 1", timeout=self.ping_every_s)
        finally:
            self.on_listening(False)
            self._conn = None
            conn.terminate()

    def _heard(self, conn: Any, _pid: int, _channel: str, payload: str) -> None:
        self.on_message(payload)  # forgotten before the answer below is sent
        task = asyncio.get_running_loop().create_task(self._answer(conn, payload))
        self._acks.add(task)
        task.add_done_callback(self._acks.discard)

    async def _answer(self, conn: Any, payload: str) -> None:
        with contextlib.suppress(Exception):  # a lost connection untrusts the cache anyway
            async with self._busy:
                await conn.execute("SELECT pg_notify($1, $2)", ACK_CHANNEL, f"{self.id} {payload}")

    def _acked(self, _conn: Any, _pid: int, _channel: str, payload: str) -> None:
        listener, _, message = payload.partition(" ")
        self.on_ack(listener, message)
