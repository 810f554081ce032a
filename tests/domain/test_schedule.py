"""Reminder due instants: a table across zones and clock jumps, then properties over many weeks."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backend.domain.schedule import (
    QuietHours,
    Schedule,
    ScheduleError,
    after_quiet,
    due_between,
    next_due,
)

MON, THU, FRI, SUN = 1, 1 << 3, 1 << 4, 1 << 6
ZONES = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu"]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def iso(instants: list[datetime]) -> list[str]:
    return [t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M") for t in instants]


@pytest.mark.parametrize(
    ("tz", "weekdays", "at", "start", "end", "expected"),
    [
        # Plain days: CET is UTC+1, Kathmandu +05:45.
        ("Europe/Berlin", MON, "07:00", "2026-01-05", "2026-01-12", ["2026-01-05T06:00"]),
        ("Asia/Kathmandu", MON, "07:00", "2026-01-05", "2026-01-12", ["2026-01-05T01:15"]),
        ("America/New_York", 0, "07:00", "2026-01-01", "2026-02-01", []),
        (
            "Europe/Berlin",
            0b111_1111,
            "20:00",
            "2026-01-05",
            "2026-01-08",
            ["2026-01-05T19:00", "2026-01-06T19:00", "2026-01-07T19:00"],
        ),
        # Sunday is bit 6, Monday bit 0: the window from Sunday to Monday sees each once.
        (
            "Europe/Berlin",
            SUN | MON,
            "12:00",
            "2026-01-04",
            "2026-01-06",
            ["2026-01-04T11:00", "2026-01-05T11:00"],
        ),
        # Spring forward in Berlin, 2026-03-29 02:00 → 03:00: the gap fires at 03:00 CEST.
        ("Europe/Berlin", SUN, "02:30", "2026-03-28", "2026-03-30", ["2026-03-29T01:00"]),
        ("Europe/Berlin", SUN, "02:00", "2026-03-28", "2026-03-30", ["2026-03-29T01:00"]),
        ("Europe/Berlin", SUN, "01:59", "2026-03-28", "2026-03-30", ["2026-03-29T00:59"]),
        ("Europe/Berlin", SUN, "03:00", "2026-03-28", "2026-03-30", ["2026-03-29T01:00"]),
        # Fall back, 2026-10-25 03:00 → 02:00: 02:30 happens twice and fires at the first.
        ("Europe/Berlin", SUN, "02:30", "2026-10-24", "2026-10-26", ["2026-10-25T00:30"]),
        ("Europe/Berlin", SUN, "03:00", "2026-10-24", "2026-10-26", ["2026-10-25T02:00"]),
        # New York: 2026-03-08 02:00 EST → 03:00 EDT; 2026-11-01 02:00 EDT → 01:00 EST.
        ("America/New_York", SUN, "02:30", "2026-03-07", "2026-03-09", ["2026-03-08T07:00"]),
        ("America/New_York", SUN, "01:30", "2026-10-31", "2026-11-02", ["2026-11-01T05:30"]),
        # Lord Howe moves 30 minutes: 2026-10-04 02:00 → 02:30 (+11), 2026-04-05 02:00 → 01:30.
        ("Australia/Lord_Howe", SUN, "02:15", "2026-10-03", "2026-10-05", ["2026-10-03T15:30"]),
        ("Australia/Lord_Howe", SUN, "02:30", "2026-10-03", "2026-10-05", ["2026-10-03T15:30"]),
        ("Australia/Lord_Howe", SUN, "01:45", "2026-04-04", "2026-04-06", ["2026-04-04T14:45"]),
        ("Australia/Lord_Howe", SUN, "02:00", "2026-04-04", "2026-04-06", ["2026-04-04T15:30"]),
        # Year boundaries: local New Year's Eve is New Year's Day in UTC, and the reverse.
        ("America/New_York", THU, "23:30", "2026-12-31", "2027-01-02", ["2027-01-01T04:30"]),
        ("Asia/Kathmandu", FRI, "00:10", "2026-12-31", "2027-01-02", ["2026-12-31T18:25"]),
        ("Asia/Kathmandu", FRI, "00:10", "2027-01-01", "2027-01-02", []),
        # Samoa skipped 2011-12-30 entirely: that day's reminder fires when the day resumes.
        (
            "Pacific/Apia",
            0b111_1111,
            "09:00",
            "2011-12-29",
            "2011-12-31T12:00",
            ["2011-12-29T19:00", "2011-12-30T10:00", "2011-12-30T19:00"],
        ),
    ],
)
def test_due_instants(
    tz: str, weekdays: int, at: str, start: str, end: str, expected: list[str]
) -> None:
    schedule = Schedule(weekdays=weekdays, local_time=at, tz=tz)
    assert iso(due_between(schedule, utc(start), utc(end))) == expected


def test_windows_are_half_open() -> None:
    schedule = Schedule(weekdays=MON, local_time="07:00", tz="Europe/Berlin")
    instant = utc("2026-01-05T06:00")
    assert due_between(schedule, instant, instant) == []
    assert due_between(schedule, instant, instant + timedelta(seconds=1)) == [instant]
    assert due_between(schedule, instant + timedelta(seconds=1), utc("2026-01-12")) == []


def test_next_due_is_strictly_after() -> None:
    schedule = Schedule(weekdays=MON, local_time="07:00", tz="Europe/Berlin")
    assert next_due(schedule, utc("2026-01-05T05:59")) == utc("2026-01-05T06:00")
    assert next_due(schedule, utc("2026-01-05T06:00")) == utc("2026-01-12T06:00")
    assert next_due(Schedule(weekdays=0, local_time="07:00", tz="UTC"), utc("2026-01-05")) is None


NIGHT = QuietHours(start="22:00", end="07:00")
LUNCH = QuietHours(start="12:00", end="14:00")


@pytest.mark.parametrize(
    ("at", "quiet", "day", "expected"),
    [
        ("06:30", NIGHT, "2026-01-05", ["2026-01-05T06:00"]),  # moved to 07:00 the same morning
        ("07:00", NIGHT, "2026-01-05", ["2026-01-05T06:00"]),  # the end is not quiet
        ("21:59", NIGHT, "2026-01-05", ["2026-01-05T20:59"]),
        ("22:00", NIGHT, "2026-01-05", []),  # the start is quiet; the end is tomorrow: skipped
        ("23:30", NIGHT, "2026-01-05", []),
        ("12:00", LUNCH, "2026-01-05", ["2026-01-05T13:00"]),  # moved to 14:00
        ("13:00", LUNCH, "2026-01-05", ["2026-01-05T13:00"]),
        ("11:59", LUNCH, "2026-01-05", ["2026-01-05T10:59"]),
        # 02:30 falls in the gap (→ 03:00), inside 01:00–03:30, so it moves to 03:30 CEST.
        ("02:30", QuietHours(start="01:00", end="03:30"), "2026-03-29", ["2026-03-29T01:30"]),
        # The quiet period ends inside the gap: the move lands on the first valid instant.
        ("01:30", QuietHours(start="01:00", end="02:30"), "2026-03-29", ["2026-03-29T01:00"]),
    ],
)
def test_quiet_hours(at: str, quiet: QuietHours, day: str, expected: list[str]) -> None:
    schedule = Schedule(weekdays=0b111_1111, local_time=at, tz="Europe/Berlin")
    start = utc(day) - timedelta(hours=2)
    assert iso(due_between(schedule, start, start + timedelta(days=1), quiet)) == expected


def test_a_reminder_always_in_quiet_hours_never_comes() -> None:
    schedule = Schedule(weekdays=0b111_1111, local_time="23:00", tz="Europe/Berlin")
    assert next_due(schedule, utc("2026-01-05"), NIGHT) is None


@pytest.mark.parametrize(
    "make",
    [
        lambda: Schedule(weekdays=128, local_time="07:00", tz="UTC"),
        lambda: Schedule(weekdays=-1, local_time="07:00", tz="UTC"),
        lambda: Schedule(weekdays=True, local_time="07:00", tz="UTC"),
        lambda: Schedule(weekdays=1, local_time="24:00", tz="UTC"),
        lambda: Schedule(weekdays=1, local_time="7:00", tz="UTC"),
        lambda: Schedule(weekdays=1, local_time="07:00", tz="Mars/Olympus"),
        lambda: Schedule(weekdays=1, local_time="07:00", tz="../etc/passwd"),
        lambda: QuietHours(start="22:00", end="22:00"),
        lambda: QuietHours(start="22:00", end="7"),
        lambda: due_between(
            Schedule(weekdays=1, local_time="07:00", tz="UTC"),
            datetime(2026, 1, 1),
            utc("2026-02-01"),
        ),
    ],
)
def test_invalid_input_is_a_schedule_error(make: object) -> None:
    with pytest.raises(ScheduleError):
        make()  # type: ignore[operator]


# --- properties --------------------------------------------------------------------------------


def wall(t: datetime, zone: ZoneInfo) -> datetime:
    return t.astimezone(zone).replace(tzinfo=None)


@cache
def transitions(tz: str, year: int) -> tuple[datetime, ...]:
    """The UTC instants in ``year`` at which ``tz`` changes its offset (to the second)."""
    zone, found = ZoneInfo(tz), []
    day = datetime(year, 1, 1, tzinfo=UTC)
    while day.year == year:
        nxt = day + timedelta(days=1)
        if day.astimezone(zone).utcoffset() != nxt.astimezone(zone).utcoffset():
            low, high = int(day.timestamp()), int(nxt.timestamp())
            while high - low > 1:
                mid = (low + high) // 2
                same = datetime.fromtimestamp(mid, UTC).astimezone(zone).utcoffset()
                low, high = (mid, high) if same == day.astimezone(zone).utcoffset() else (low, mid)
            found.append(datetime.fromtimestamp(high, UTC))
        day = nxt
    return tuple(found)


times = st.builds(lambda h, m: f"{h:02}:{m:02}", st.integers(0, 23), st.integers(0, 59))
weekdays = st.one_of(st.just(0b111_1111), st.integers(1, 127))
JUMPY = ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Pacific/Apia"]


@st.composite
def anywhere(draw: st.DrawFn) -> tuple[Schedule, datetime, datetime]:
    """Any schedule, over up to three weeks from 2005 to 2035."""
    schedule = Schedule(
        weekdays=draw(weekdays), local_time=draw(times), tz=draw(st.sampled_from([*ZONES, "UTC"]))
    )
    start = draw(st.datetimes(datetime(2005, 1, 1), datetime(2035, 1, 1))).replace(tzinfo=UTC)
    return schedule, start, start + timedelta(minutes=draw(st.integers(0, 21 * 1440)))


@st.composite
def at_a_clock_change(draw: st.DrawFn) -> tuple[Schedule, datetime, datetime]:
    """A schedule whose time is skipped or repeated by one of its zone's clock changes."""
    tz = draw(st.sampled_from(JUMPY))
    change = draw(st.sampled_from(transitions(tz, draw(st.integers(2011, 2030))) or (None,)))
    if change is None:  # Apia has kept one offset since 2021
        return draw(anywhere())
    zone = ZoneInfo(tz)
    before, after = wall(change - timedelta(seconds=1), zone), wall(change, zone)
    low, high = sorted((before + timedelta(seconds=1), after))
    minutes = int((high - low).total_seconds() // 60)
    at = low + timedelta(minutes=draw(st.integers(0, minutes - 1)))
    schedule = Schedule(weekdays=draw(weekdays), local_time=at.strftime("%H:%M"), tz=tz)
    start = change - timedelta(minutes=draw(st.integers(0, 3 * 1440)))
    return schedule, start, start + timedelta(minutes=draw(st.integers(4 * 1440, 8 * 1440)))


cases = st.one_of(anywhere(), at_a_clock_change())


def _offset(t: datetime, zone: ZoneInfo) -> timedelta:
    offset = t.astimezone(zone).utcoffset()
    assert offset is not None
    return offset


def nominal_day(t: datetime, schedule: Schedule) -> date:
    """The local date ``t`` is that date's reminder for: at the time, or just after a gap."""
    zone, at = ZoneInfo(schedule.tz), time.fromisoformat(schedule.local_time)
    local = wall(t, zone)
    if local.time() == at:
        return local.date()
    before = wall(t - timedelta(seconds=1), zone)
    assert local - before > timedelta(seconds=1), f"{t} is neither {at} nor right after a jump"
    for day in (local.date(), local.date() - timedelta(days=1)):
        if before < datetime.combine(day, at) < local:
            return day
    raise AssertionError(f"{t}: {at} was not skipped by the jump before it")


@given(st.data())
def test_every_instant_is_a_chosen_day_at_the_chosen_time(data: st.DataObject) -> None:
    schedule, start, end = data.draw(cases)
    due = due_between(schedule, start, end)
    assert all(start <= t < end and t.utcoffset() == timedelta(0) for t in due)
    assert all(a < b for a, b in itertools.pairwise(due))  # increasing, no duplicates
    days = [nominal_day(t, schedule) for t in due]
    assert all(schedule.weekdays >> day.weekday() & 1 for day in days)
    zone = ZoneInfo(schedule.tz)
    for t in due:  # never the second reading of a repeated time
        fell_back = _offset(t - timedelta(days=1), zone) - _offset(t, zone)
        assert fell_back <= timedelta(0) or wall(t - fell_back, zone) != wall(t, zone)
    # Nothing is missed: every chosen date well inside the window has its reminder.
    day = wall(start, zone).date() + timedelta(days=1)
    while day <= wall(end, zone).date() - timedelta(days=2):
        if schedule.weekdays >> day.weekday() & 1:
            assert day in days or day - timedelta(days=1) in days, day
        day += timedelta(days=1)


@given(st.data())
def test_windows_tile_and_next_due_agrees(data: st.DataObject) -> None:
    schedule, start, end = data.draw(cases)
    middle = start + (end - start) * data.draw(st.floats(0, 1))
    whole = due_between(schedule, start, end)
    assert whole == due_between(schedule, start, middle) + due_between(schedule, middle, end)
    after = due_between(schedule, start + timedelta(microseconds=1), start + timedelta(days=9))
    assert next_due(schedule, start) == after[0]


@given(st.data())
def test_quiet_hours_are_never_broken(data: st.DataObject) -> None:
    schedule, start, end = data.draw(cases)
    quiet_start, quiet_end = data.draw(st.lists(times, min_size=2, max_size=2, unique=True))
    quiet = QuietHours(start=quiet_start, end=quiet_end)
    q0, q1 = time.fromisoformat(quiet_start), time.fromisoformat(quiet_end)
    zone = ZoneInfo(schedule.tz)
    plain = due_between(schedule, start - timedelta(days=2), end + timedelta(days=2))
    for t in due_between(schedule, start, end, quiet):
        local = wall(t, zone)
        assert not (q0 <= local.time() < q1 if q0 < q1 else local.time() >= q0 or local.time() < q1)
        if t in plain:
            continue
        # Moved: to the end of the quiet period (or just past a jump that skipped it), later
        # the same local date as the reminder it replaces.
        end_of_quiet = datetime.combine(local.date(), q1)
        assert local == end_of_quiet or wall(t - timedelta(seconds=1), zone) < end_of_quiet < local
        assert any(wall(p, zone).date() == local.date() and p < t for p in plain)


def _berlin(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=ZoneInfo("Europe/Berlin"))  # type: ignore[misc]


@pytest.mark.parametrize(
    ("at", "start", "end", "delivered"),
    [
        (_berlin(2026, 1, 5, 12, 0), "22:00", "07:00", _berlin(2026, 1, 5, 12, 0)),
        (_berlin(2026, 1, 5, 23, 15), "22:00", "07:00", _berlin(2026, 1, 6, 7, 0)),
        (_berlin(2026, 1, 6, 6, 59), "22:00", "07:00", _berlin(2026, 1, 6, 7, 0)),
        (_berlin(2026, 1, 6, 7, 0), "22:00", "07:00", _berlin(2026, 1, 6, 7, 0)),
        (_berlin(2026, 1, 5, 13, 0), "12:30", "14:00", _berlin(2026, 1, 5, 14, 0)),
        (_berlin(2026, 1, 5, 12, 29), "12:30", "14:00", _berlin(2026, 1, 5, 12, 29)),
        # Quiet until 02:30 on the night the clocks jump from 02:00 to 03:00: 03:00 CEST.
        (_berlin(2026, 3, 29, 1, 0), "23:00", "02:30", _berlin(2026, 3, 29, 3, 0)),
    ],
)
def test_alerts_wait_for_the_end_of_quiet_hours(
    at: datetime, start: str, end: str, delivered: datetime
) -> None:
    result = after_quiet(at, QuietHours(start=start, end=end), "Europe/Berlin")
    assert result == delivered
    assert result.utcoffset() == timedelta(0)


def test_without_quiet_hours_a_message_goes_at_once() -> None:
    at = _berlin(2026, 1, 5, 23, 0)
    assert after_quiet(at, None, "Europe/Berlin") == at
