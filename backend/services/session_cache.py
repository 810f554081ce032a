"""Verified sessions kept in the process, so a request needs no database round trip to know
who sent it; forgotten at once when sessions end.

The process that ends sessions forgets them itself after its commit. Other processes hear of
it through the database (``backend.db.sessions.announce``), forget and answer (``acked``); the
ending request answers its client only once every process listening at its commit has answered
(or ``confirm_s`` passed), so no process still trusts the session when the client learns it
ended. While a process cannot hear (its listening connection is down) its cache is not trusted
at all, and on hearing again it starts empty, since what was said meanwhile is lost. SQLite runs
one server process (``shared=False``): its cache is trusted from the start and nothing waits.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Generic, TypeVar

V = TypeVar("V")


@dataclass
class _Answers:
    """Who has answered one announcement so far."""

    listeners: set[str] = field(default_factory=set)
    changed: asyncio.Event = field(default_factory=asyncio.Event)


async def _nobody() -> set[str]:
    return set()


@dataclass(frozen=True)
class _Entry(Generic[V]):
    value: V
    account_id: int
    expires_at_ms: int


class SessionCache(Generic[V]):
    def __init__(self, *, shared: bool, capacity: int = 100_000, confirm_s: float = 2.0) -> None:
        self.capacity = capacity
        self.confirm_s = confirm_s
        self._trusted = not shared
        self._shared = shared
        # Set by the wiring on PostgreSQL: this process's listener id, and who listens now.
        self.me = ""
        self.listeners: Callable[[], Awaitable[set[str]]] = _nobody
        self._answers: dict[str, list[_Answers]] = {}
        self._entries: dict[str, _Entry[V]] = {}
        self._by_account: dict[int, set[str]] = {}
        # Bumped by every forgetting: a lookup that began before one must not store its row,
        # which may be the very session just ended.
        self.generation = 0

    @property
    def trusted(self) -> bool:
        return self._trusted

    def get(self, token_hash: str, now_ms: int) -> V | None:
        entry = self._entries.get(token_hash) if self._trusted else None
        if entry is None or entry.expires_at_ms <= now_ms:
            return None
        return entry.value

    def put(
        self, token_hash: str, value: V, account_id: int, expires_at_ms: int, generation: int
    ) -> None:
        """Keep a session read from the database when the read began at ``generation``."""
        if not self._trusted or generation != self.generation:
            return
        if len(self._entries) >= self.capacity:
            self._drop(next(iter(self._entries)))
        self._entries[token_hash] = _Entry(value, account_id, expires_at_ms)
        self._by_account.setdefault(account_id, set()).add(token_hash)

    def forget_token(self, token_hash: str) -> None:
        self.generation += 1
        self._drop(token_hash)

    def forget_account(self, account_id: int) -> None:
        self.generation += 1
        for token_hash in self._by_account.pop(account_id, set()):
            self._entries.pop(token_hash, None)

    @asynccontextmanager
    async def ending(self, message: str) -> AsyncIterator[None]:
        """Around the transaction that announces ``message``: once it commits, forget what it
        ended here and wait until every other listening process has answered."""
        answers = _Answers()
        confirming = self._shared and self._trusted
        if confirming:  # before the commit: answers may arrive before the commit's reply
            self._answers.setdefault(message, []).append(answers)
        try:
            yield
            self._apply(message)
            if confirming:
                others = await self.listeners() - {self.me}
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.confirm_s):
                        while not others <= answers.listeners:
                            answers.changed.clear()
                            await answers.changed.wait()
        finally:
            waiting = self._answers.get(message, [])
            if answers in waiting:
                waiting.remove(answers)
                if not waiting:
                    del self._answers[message]

    def heard(self, message: str) -> None:
        """An announcement from ``backend.db.sessions``: ``t:<token hash>`` or ``a:<account>``."""
        self._apply(message)

    def acked(self, listener: str, message: str) -> None:
        """``listener``'s process has forgotten what ``message`` ended."""
        for answers in self._answers.get(message, []):
            answers.listeners.add(listener)
            answers.changed.set()

    def _apply(self, message: str) -> None:
        kind, _, subject = message.partition(":")
        if kind == "t":
            self.forget_token(subject)
        elif kind == "a" and subject.isdigit():
            self.forget_account(int(subject))
        else:  # not ours to read: forget everything rather than guess
            self._reset()

    def listening(self, listening: bool) -> None:
        """Trust the cache only while announcements can arrive; start empty either way."""
        self._reset()
        self._trusted = listening

    def _reset(self) -> None:
        self.generation += 1
        self._entries.clear()
        self._by_account.clear()

    def _drop(self, token_hash: str) -> None:
        entry = self._entries.pop(token_hash, None)
        if entry is not None:
            tokens = self._by_account.get(entry.account_id)
            if tokens is not None:
                tokens.discard(token_hash)
                if not tokens:
                    del self._by_account[entry.account_id]
