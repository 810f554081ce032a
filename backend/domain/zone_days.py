"""Local calendar days of instants by zone-offset arithmetic.

``datetime.fromtimestamp(ms, zone)`` per set dominated the daily figures. The offset of a zone
changes at most once in a UTC day (every zone's rules since 2000), so each UTC day's offset
before and after its one transition is found once, with the exact transition instant, and a
set's local day is ``(ms + offset) // day``: the same answers, DST included.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache

DAY_MS = 86_400_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()


def _offset_ms(zone: tzinfo, at_ms: int) -> int:
    offset = datetime.fromtimestamp(at_ms / 1000, UTC).astimezone(zone).utcoffset()
    assert offset is not None
    return int(offset.total_seconds() * 1000)


class ZoneDays:
    """Day numbers (days since 1970-01-01 on the zone's calendar) of instants in one zone."""

    def __init__(self, zone: tzinfo) -> None:
        self.zone = zone
        # UTC day -> (offset before the switch, switch instant, offset from the switch on)
        self._days: dict[int, tuple[int, int, int]] = {}

    def _utc_day(self, utc_day: int) -> tuple[int, int, int]:
        known = self._days.get(utc_day)
        if known is None:
            start = utc_day * DAY_MS
            before, after = _offset_ms(self.zone, start), _offset_ms(self.zone, start + DAY_MS - 1)
            switch = start + DAY_MS
            if before != after:
                low, high = start, start + DAY_MS - 1  # offset(low) == before, offset(high) != it
                while high - low > 1:
                    middle = (low + high) // 2
                    if _offset_ms(self.zone, middle) == before:
                        low = middle
                    else:
                        high = middle
                switch = high
            known = self._days[utc_day] = (before, switch, after)
        return known

    def offset_ms(self, at_ms: int) -> int:
        before, switch, after = self._utc_day(at_ms // DAY_MS)
        return before if at_ms < switch else after

    def number(self, at_ms: int) -> int:
        return (at_ms + self.offset_ms(at_ms)) // DAY_MS

    def day(self, at_ms: int) -> date:
        return date.fromordinal(self.number(at_ms) + _EPOCH_ORDINAL)

    def bounds(self, day: date) -> tuple[int, int]:
        """Instants [start, end) that cover every instant of ``day``: exact unless the offset
        changes near its edges, where they reach further (callers keep the day's own)."""
        first = (day.toordinal() - _EPOCH_ORDINAL) * DAY_MS
        last = first + DAY_MS
        near = (first - DAY_MS // 2, first + DAY_MS // 2, last - DAY_MS // 2, last + DAY_MS // 2)
        offsets = [self.offset_ms(at) for at in near]
        return first - max(offsets[:2]), last - min(offsets[2:])


@lru_cache(maxsize=256)
def zone_days(zone: tzinfo) -> ZoneDays:
    """One calculator per zone, its per-day offsets kept for the process."""
    return ZoneDays(zone)


def number_to_day(number: int) -> date:
    return date.fromordinal(number + _EPOCH_ORDINAL)
