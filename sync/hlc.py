"""Hybrid logical clock (Kulkarni et al. 2014) with wall time in epoch milliseconds.

The text form ``YYYY-MM-DDTHH:MM:SS.mmmZ-CCCC-NNNNNNNNNNNNNNNN`` is fixed width and uses only
ASCII characters whose byte order matches their numeric order (digits, then ``A-F`` for the
counter, ``a-f`` for the node), so comparing encoded strings bytewise in any language or database
gives the same order as comparing ``(wall_ms, counter, node)``.
"""

from __future__ import annotations

import re
from datetime import date
from functools import lru_cache

import msgspec

MAX_DRIFT_MS = 300_000
MAX_COUNTER = 0xFFFF
MAX_WALL_MS = 253402300799999  # 9999-12-31T23:59:59.999Z, the last instant with a 4-digit year

_DAY_MS = 86_400_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_NODE = re.compile(r"[0-9a-f]{16}")
# [0-9] rather than \d, which would also match non-ASCII digits.
_SHAPE = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]\.[0-9]{3}Z"
    r"-[0-9A-F]{4}-[0-9a-f]{16}"
)


class HlcError(ValueError):
    """Base of every clock error."""


class HlcFormatError(HlcError):
    """Text or fields that do not form a valid timestamp."""


class ClockDriftError(HlcError):
    """A received timestamp is further ahead of local wall time than the clock may follow."""

    def __init__(self, remote_wall_ms: int, now_ms: int) -> None:
        super().__init__(
            f"remote wall time {remote_wall_ms} ms is {remote_wall_ms - now_ms} ms ahead of "
            f"local wall time {now_ms} ms"
        )
        self.remote_wall_ms = remote_wall_ms
        self.now_ms = now_ms


class CounterOverflowError(HlcError):
    """The clock would pass the last representable instant (the end of year 9999)."""


def is_node_id(text: str) -> bool:
    return _NODE.fullmatch(text) is not None


class Hlc(msgspec.Struct, frozen=True, order=True):
    # Field order is the comparison order: tuple order of instances equals causal order.
    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        _check(self)
        days, ms = divmod(self.wall_ms, _DAY_MS)
        day = date.fromordinal(_EPOCH_ORDINAL + days)
        seconds, millis = divmod(ms, 1000)
        minutes, sec = divmod(seconds, 60)
        hour, minute = divmod(minutes, 60)
        return (
            f"{day.year:04d}-{day.month:02d}-{day.day:02d}T{hour:02d}:{minute:02d}:{sec:02d}"
            f".{millis:03d}Z-{self.counter:04X}-{self.node}"
        )

    @classmethod
    def parse(cls, text: str) -> Hlc:
        """One regular-expression match checks the shape (no groups to build), then the fields
        are sliced from their fixed offsets; a second's milliseconds are computed once."""
        if _SHAPE.fullmatch(text) is None:
            raise HlcFormatError(f"not an HLC: {text!r}")
        second_ms = _second_ms(text[:19])
        if second_ms is None:
            raise HlcFormatError(f"not a calendar date: {text!r}")
        wall_ms = second_ms + int(text[20:23])
        if wall_ms < 0:  # before 1970; four-digit years and counters bound the rest
            raise HlcFormatError(f"wall_ms out of range: {wall_ms}")
        return cls(wall_ms, int(text[25:29], 16), text[30:])


@lru_cache(maxsize=4096)
def _second_ms(second: str) -> int | None:
    """Epoch milliseconds of a ``YYYY-MM-DDTHH:MM:SS`` second already matched by ``_SHAPE``
    (a device stamps a push's ops within a second or two), or None if the day does not exist."""
    try:
        ordinal = date(int(second[:4]), int(second[5:7]), int(second[8:10])).toordinal()
    except ValueError:
        return None
    time_s = (int(second[11:13]) * 60 + int(second[14:16])) * 60 + int(second[17:19])
    return (ordinal - _EPOCH_ORDINAL) * _DAY_MS + time_s * 1000


def _check(clock: Hlc) -> Hlc:
    if not 0 <= clock.wall_ms <= MAX_WALL_MS:
        raise HlcFormatError(f"wall_ms out of range: {clock.wall_ms}")
    if not 0 <= clock.counter <= MAX_COUNTER:
        raise HlcFormatError(f"counter out of range: {clock.counter}")
    if not is_node_id(clock.node):
        raise HlcFormatError(f"node is not 16 lower-case hex digits: {clock.node!r}")
    return clock


def _advance(node: str, wall_ms: int, counter: int) -> Hlc:
    # An exhausted counter carries into the next logical millisecond instead of failing, so no
    # message can make a clock refuse its next event. Only a message at or ahead of the clock
    # can force a carry, and it lands 1 ms past that message; every further millisecond of lead
    # takes 65,536 more events, so the clock stays within the drift limit + 1 ms of wall time.
    if counter > MAX_COUNTER:
        if wall_ms == MAX_WALL_MS:
            raise CounterOverflowError(f"clock exhausted at the last instant {MAX_WALL_MS} ms")
        wall_ms, counter = wall_ms + 1, 0
    return _check(Hlc(wall_ms, counter, node))


def send(clock: Hlc, now_ms: int) -> Hlc:
    """The clock after a local or send event at wall time ``now_ms``."""
    _check(clock)
    wall = max(clock.wall_ms, now_ms)
    return _advance(clock.node, wall, clock.counter + 1 if wall == clock.wall_ms else 0)


def receive(clock: Hlc, msg: Hlc, now_ms: int, max_drift_ms: int = MAX_DRIFT_MS) -> Hlc:
    """The clock after receiving ``msg`` at wall time ``now_ms``; it keeps its own node.

    A message too far ahead is refused rather than followed, so one bad clock cannot drag every
    replica into the future.
    """
    _check(clock)
    _check(msg)
    if msg.wall_ms - now_ms > max_drift_ms:
        raise ClockDriftError(msg.wall_ms, now_ms)
    wall = max(clock.wall_ms, msg.wall_ms, now_ms)
    if wall == clock.wall_ms == msg.wall_ms:
        counter = max(clock.counter, msg.counter) + 1
    elif wall == clock.wall_ms:
        counter = clock.counter + 1
    elif wall == msg.wall_ms:
        counter = msg.counter + 1
    else:
        counter = 0
    return _advance(clock.node, wall, counter)
