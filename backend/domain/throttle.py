"""Throttling rules: request rates written as "count/period", and the growing wait after failed
sign-ins. Pure arithmetic; the shared counters live in the database (``services.throttle``)."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

_RATE = re.compile(r"([1-9][0-9]{0,5})/([1-9][0-9]{0,3})([smh])")
_UNIT_MS = {"s": 1_000, "m": 60_000, "h": 3_600_000}


@dataclass(frozen=True)
class Rate:
    """At most ``count`` requests per ``period_ms``, spread out or all at once (GCRA: a burst
    of ``count``, then one every ``period_ms / count``)."""

    count: int
    period_ms: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        """ "30/15m" → 30 per 15 minutes; units s, m, h."""
        found = _RATE.fullmatch(text)
        if found is None:
            raise ValueError(f"expected count/period such as 30/15m, not {text!r}")
        count, amount, unit = found.groups()
        return cls(int(count), int(amount) * _UNIT_MS[unit])

    @property
    def interval_ms(self) -> int:
        """The spacing one request costs (the emission interval)."""
        return max(1, self.period_ms // self.count)


def retry_after_s(wait_ms: int) -> int:
    """Whole seconds to wait (Retry-After), never 0: a client told 0 would retry at once."""
    return max(1, math.ceil(wait_ms / 1000))


# After the free failures, each further failed sign-in for an email doubles the wait before the
# next attempt: 1 s, 2 s, 4 s … up to 15 minutes. A success clears the count; so does a day
# without failures.
FIRST_DELAY_MS = 1_000
MAX_DELAY_MS = 15 * 60_000
FAILURE_MEMORY_MS = 86_400_000


def sign_in_delay_ms(failures: int, free_failures: int) -> int:
    """How long an email stays locked after its ``failures``-th failure in a row."""
    over = failures - free_failures
    if over <= 0:
        return 0
    return min(MAX_DELAY_MS, FIRST_DELAY_MS << min(over - 1, 30))
