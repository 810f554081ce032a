"""Local days by zone-offset arithmetic agree with the standard library's, DST included."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from backend.domain.records import EARLIEST_MS, LATEST_MS
from backend.domain.zone_days import ZoneDays

# Zones with DST at night and at midnight, half- and quarter-hour offsets, half-hour DST
# (Lord Howe), offsets a whole day apart, and zones whose rules changed since 2000.
ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Santiago",
    "America/Havana",
    "Asia/Beirut",
    "Asia/Kathmandu",
    "Asia/Kolkata",
    "Australia/Lord_Howe",
    "Pacific/Kiritimati",
    "Pacific/Apia",
    "Pacific/Pago_Pago",
    "Africa/Casablanca",
    "Europe/Moscow",
]
instants = st.integers(EARLIEST_MS, LATEST_MS)


def expected_day(at_ms: int, zone: ZoneInfo) -> date:
    return datetime.fromtimestamp(at_ms / 1000, tz=zone).date()


@given(zone=st.sampled_from(ZONES), at=instants)
def test_a_sets_day_is_the_standard_librarys(zone: str, at: int) -> None:
    tz = ZoneInfo(zone)
    assert ZoneDays(tz).day(at) == expected_day(at, tz)


@given(zone=st.sampled_from(ZONES), at=instants, step=st.integers(-3_600_000, 3_600_000))
def test_instants_next_to_each_other_agree_too(zone: str, at: int, step: int) -> None:
    """Near a transition: both sides of it, one calculator reused (its per-day cache)."""
    tz = ZoneInfo(zone)
    days = ZoneDays(tz)
    for instant in (at, at + step, at - step):
        if EARLIEST_MS <= instant <= LATEST_MS:
            assert days.day(instant) == expected_day(instant, tz)


@given(zone=st.sampled_from(ZONES), at=instants)
def test_a_days_bounds_hold_every_instant_of_it(zone: str, at: int) -> None:
    tz = ZoneInfo(zone)
    days = ZoneDays(tz)
    day = days.day(at)
    start, end = days.bounds(day)
    assert start <= at < end
    # Exact on an ordinary day: the instants just outside belong to other days.
    if days.offset_ms(start) == days.offset_ms(end - 1):
        assert days.day(start - 1) != day
        assert days.day(end) != day


def test_berlin_falls_back_into_a_25_hour_day() -> None:
    days = ZoneDays(ZoneInfo("Europe/Berlin"))
    start, end = days.bounds(date(2026, 10, 25))
    assert (start, end) == (
        int(datetime(2026, 10, 24, 22, tzinfo=UTC).timestamp() * 1000),
        int(datetime(2026, 10, 25, 23, tzinfo=UTC).timestamp() * 1000),
    )


def _offset(at_ms: int, zone: ZoneInfo) -> object:
    return datetime.fromtimestamp(at_ms / 1000, tz=zone).utcoffset()


def transitions(zone: ZoneInfo, first_year: int = 2000, last_year: int = 2035) -> list[int]:
    """Every instant the zone's offset changes, found with the standard library alone."""
    day = 86_400_000
    start = int(datetime(first_year, 1, 1, tzinfo=UTC).timestamp() * 1000)
    end = int(datetime(last_year, 1, 1, tzinfo=UTC).timestamp() * 1000)
    found = []
    for low in range(start, end, day):
        high = low + day
        if _offset(low, zone) == _offset(high, zone):
            continue
        while high - low > 1:
            middle = (low + high) // 2
            if _offset(middle, zone) == _offset(low, zone):
                low = middle
            else:
                high = middle
        found.append(high)
    return found


def test_every_transition_since_2000_and_the_instants_around_it() -> None:
    for name in ZONES:
        tz = ZoneInfo(name)
        days = ZoneDays(tz)
        for switch in transitions(tz):
            for at in (
                switch - 1,
                switch,
                switch + 1,
                *range(switch - 7_200_000, switch + 7_200_001, 600_000),
            ):
                assert days.day(at) == expected_day(at, tz), (name, at)
