"""Side effects the services depend on, as small protocols; tests pass fakes."""

from __future__ import annotations

import secrets
import time
from typing import Protocol


class WallClock(Protocol):
    def now_ms(self) -> int: ...


class Entropy(Protocol):
    def token_bytes(self, size: int) -> bytes: ...


class SystemClock:
    def now_ms(self) -> int:
        return time.time_ns() // 1_000_000


class SystemEntropy:
    def token_bytes(self, size: int) -> bytes:
        return secrets.token_bytes(size)
