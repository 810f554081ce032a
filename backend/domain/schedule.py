"""When a reminder is due: the ``reminder`` record's weekdays, local time and zone as UTC instants.

A reminder fires at the first instant at which the local clock of its IANA zone (``tz``) reads
its ``local_time`` (HH:MM) on each local date whose weekday is set in ``weekdays`` (bit 0 =
Monday … bit 6 = Sunday). That one definition settles the days the clocks jump:

- **DST gap** — the time does not exist that day (02:30 in Europe/Berlin on the last Sunday of
  March): the reminder fires at the first valid instant after the gap, the moment the clocks jump
  (03:00 CEST in Berlin; 02:30 in Australia/Lord_Howe, whose clocks move by 30 minutes). It is as
  close as possible to the time asked for and never loses the day's reminder.
- **DST overlap** — the time happens twice (02:30 on the last Sunday of October in Berlin): it
  fires once, at the first occurrence (``fold=0``).

**Quiet hours** (``QuietHours``: wall-clock start and end in the reminder's zone, start inclusive,
end exclusive, may wrap midnight): a reminder due inside them moves to the end of the quiet period
when that end comes later the same local day (06:30 with quiet hours 22:00–07:00 fires at 07:00),
and is skipped otherwise (23:00 in the same quiet hours would land the next morning, after the
session it was for). The weekday is that of the date the reminder is for, before any move.

For the dispatcher (nothing here reads the clock; instants are timezone-aware datetimes):

- ``Schedule(weekdays=…, local_time="HH:MM", tz="Europe/Berlin")``: the record's fields as synced;
  invalid values raise ``ScheduleError``.
- ``due_between(schedule, start, end, quiet=None) -> list[datetime]``: every due instant with
  ``start <= t < end``, ascending, in UTC; windows ``[a, b)`` and ``[b, c)`` never share one.
- ``next_due(schedule, after, quiet=None) -> datetime | None``: the first due instant ``> after``;
  None when none comes within a year (no weekday selected, or quiet hours skip every one).
- ``after_quiet(instant, quiet, tz) -> datetime``: when a message due at ``instant`` may go out:
  ``instant`` itself outside quiet hours, else the end of the quiet period it falls in (the next
  morning for 23:00 in 22:00–07:00). Imbalance alerts wait like this instead of being skipped.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

ALL_WEEKDAYS = 0b111_1111
_HHMM = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
# A weekly pattern only changes where a zone's rules do, and those repeat yearly.
_HORIZON_DAYS = 371


class ScheduleError(ValueError):
    """A schedule or quiet-hours value that cannot be computed with; the message names it."""


def _wall_time(name: str, text: str) -> time:
    match = _HHMM.fullmatch(text)
    if match is None:
        raise ScheduleError(f"{name} must be a local time as HH:MM, not {text!r}")
    return time(int(match[1]), int(match[2]))


class Schedule(msgspec.Struct, frozen=True, kw_only=True):
    """A ``reminder`` record's timing fields."""

    weekdays: int  # bit 0 = Monday … bit 6 = Sunday
    local_time: str  # HH:MM
    tz: str  # IANA zone

    def __post_init__(self) -> None:
        if isinstance(self.weekdays, bool) or not 0 <= self.weekdays <= ALL_WEEKDAYS:
            raise ScheduleError("weekdays must be a bitmask from 0 to 127")
        _wall_time("local_time", self.local_time)
        try:
            ZoneInfo(self.tz)
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(f"tz must be an IANA time zone, not {self.tz!r}") from None


class QuietHours(msgspec.Struct, frozen=True, kw_only=True):
    """Wall-clock hours without reminders, e.g. ``QuietHours(start="22:00", end="07:00")``."""

    start: str  # HH:MM, inclusive
    end: str  # HH:MM, exclusive; earlier than start means the period wraps midnight

    def __post_init__(self) -> None:
        if _wall_time("quiet start", self.start) == _wall_time("quiet end", self.end):
            raise ScheduleError("quiet hours need different start and end times")


class _Plan:
    """A schedule parsed once for one computation."""

    def __init__(self, schedule: Schedule, quiet: QuietHours | None) -> None:
        self.weekdays = schedule.weekdays
        self.at = _wall_time("local_time", schedule.local_time)
        self.zone = ZoneInfo(schedule.tz)
        self.quiet = (
            None
            if quiet is None
            else (_wall_time("quiet start", quiet.start), _wall_time("quiet end", quiet.end))
        )

    def due_on(self, day: date) -> datetime | None:
        """The instant the reminder for local date ``day`` fires, or None."""
        if not self.weekdays >> day.weekday() & 1:
            return None
        due = self.first_reaching(datetime.combine(day, self.at))
        if self.quiet is None:
            return due
        start, end = self.quiet
        wall = due.astimezone(self.zone)
        reads = wall.time().replace(tzinfo=None)  # what the local clock shows when it is due
        if start < end:
            inside, end_same_day = start <= reads < end, True
        else:
            inside, end_same_day = reads >= start or reads < end, reads < end
        if not inside:
            return due
        return self.first_reaching(datetime.combine(wall.date(), end)) if end_same_day else None

    def first_reaching(self, wall: datetime) -> datetime:
        return _first_reaching(self.zone, wall)

    def local(self, instant: datetime) -> datetime:
        return _local(self.zone, instant)


def _first_reaching(zone: ZoneInfo, wall: datetime) -> datetime:
    """The first UTC instant at which the local clock of ``zone`` reads ``wall`` or later."""
    first = wall.replace(tzinfo=zone).astimezone(UTC)  # fold=0: the first occurrence
    if _local(zone, first) == wall:
        return first
    # ``wall`` falls in a gap. fold=0 read it with the offset from before the jump (an instant
    # after the jump), fold=1 with the one from after (an instant before it); the jump lies in
    # between, where the local clock first passes ``wall``. Zone transitions are whole seconds.
    low = int(wall.replace(tzinfo=zone, fold=1).astimezone(UTC).timestamp())
    high = int(first.timestamp())
    while high - low > 1:  # invariant: the clock reads < wall at low and > wall at high
        middle = (low + high) // 2
        if _local(zone, datetime.fromtimestamp(middle, UTC)) > wall:
            high = middle
        else:
            low = middle
    return datetime.fromtimestamp(high, UTC)


def _local(zone: ZoneInfo, instant: datetime) -> datetime:
    return instant.astimezone(zone).replace(tzinfo=None)


def _aware(name: str, instant: datetime) -> None:
    if instant.utcoffset() is None:
        raise ScheduleError(f"{name} must be a timezone-aware datetime")


def due_between(
    schedule: Schedule, start: datetime, end: datetime, quiet: QuietHours | None = None
) -> list[datetime]:
    """Every instant the reminder fires with ``start <= t < end``, ascending, in UTC."""
    _aware("start", start)
    _aware("end", end)
    plan = _Plan(schedule, quiet)
    # A day's reminder fires on that local date, or later when a gap swallows its end (a zone
    # that skipped a whole day), so look one day further back than ``start``'s date.
    day = plan.local(start).date() - timedelta(days=1)
    last = plan.local(end).date()
    found: list[datetime] = []
    while day <= last:
        due = plan.due_on(day)
        if due is not None and start <= due < end and (not found or due > found[-1]):
            found.append(due)
        day += timedelta(days=1)
    return found


def next_due(
    schedule: Schedule, after: datetime, quiet: QuietHours | None = None
) -> datetime | None:
    """The first instant the reminder fires strictly after ``after``, or None within a year."""
    _aware("after", after)
    plan = _Plan(schedule, quiet)
    if not schedule.weekdays:
        return None
    day = plan.local(after).date() - timedelta(days=1)
    for _ in range(_HORIZON_DAYS):
        due = plan.due_on(day)
        if due is not None and due > after:
            return due
        day += timedelta(days=1)
    return None


def after_quiet(instant: datetime, quiet: QuietHours | None, tz: str) -> datetime:
    """``instant`` if the clock of ``tz`` is outside quiet hours then, else the period's end."""
    _aware("instant", instant)
    if quiet is None:
        return instant.astimezone(UTC)
    zone = ZoneInfo(tz)
    start, end = _wall_time("quiet start", quiet.start), _wall_time("quiet end", quiet.end)
    wall = _local(zone, instant)
    reads = wall.time()
    if start < end:
        inside, next_day = start <= reads < end, False
    else:
        inside, next_day = reads >= start or reads < end, reads >= start
    if not inside:
        return instant.astimezone(UTC)
    day = wall.date() + timedelta(days=1 if next_day else 0)
    return _first_reaching(zone, datetime.combine(day, end))
