"""The server's own hybrid logical clock: it absorbs every accepted op and stamps replies."""

from __future__ import annotations

from contextlib import suppress

from backend.services.ports import WallClock
from sync.hlc import CounterOverflowError, Hlc, receive, send


class ServerClock:
    def __init__(self, wall: WallClock, node: str) -> None:
        self.wall = wall
        self._hlc = Hlc(wall_ms=0, counter=0, node=node)

    @property
    def node(self) -> str:
        return self._hlc.node

    def now_ms(self) -> int:
        return self.wall.now_ms()

    def stamp(self) -> Hlc:
        self._hlc = send(self._hlc, self.wall.now_ms())
        return self._hlc

    def observe(self, remote: Hlc) -> None:
        """Move past ``remote`` (already checked for drift) so later stamps follow it."""
        # An exhausted counter within one millisecond resets on the next tick of the wall
        # clock; the op itself is stored regardless.
        with suppress(CounterOverflowError):
            self._hlc = receive(self._hlc, remote, self.wall.now_ms())
