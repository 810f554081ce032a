"""The server's own hybrid logical clock: it absorbs every stored op and stamps replies.

Neither method can fail for ops the push checks accepted (at most the drift limit ahead): an
exhausted counter carries into the next millisecond (sync.hlc), and an op is followed even if
the wall clock stepped back since it was judged. So a reply after a commit cannot turn into an
error, and no client can stop the clock for everyone.
"""

from __future__ import annotations

from backend.services.ports import WallClock
from sync.hlc import Hlc, receive, send


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
        # Reading the wall clock as no earlier than the op gives the same result as the real
        # reading (the op's wall time is the larger one either way) without a second drift check.
        self._hlc = receive(self._hlc, remote, max(self.wall.now_ms(), remote.wall_ms))
