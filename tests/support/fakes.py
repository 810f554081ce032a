"""In-repo fakes for the services' side-effect protocols."""

from __future__ import annotations

import random


class FakeClock:
    """A wall clock the test moves by hand."""

    def __init__(self, now_ms: int) -> None:
        self.now = now_ms

    def now_ms(self) -> int:
        return self.now


class SeededEntropy:
    """Deterministic bytes, so ids are reproducible within a test."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)

    def token_bytes(self, size: int) -> bytes:
        return self._rng.randbytes(size)
