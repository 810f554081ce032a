"""Record types the app syncs: the whitelist of fields per type and the range of each field.

Values arrive already checked as JSON scalars (no floats, safe integers, NFC text); these rules
add meaning: sides, ranges, enumerations. Bounds are constants so nothing here reads the clock.
"""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Callable
from functools import cache

from backend.domain.catalogue import CATALOGUE_IDS

Scalar = int | str | bool | None

DELETED = "_deleted"
SIDES = frozenset({"left", "right", "both"})
LIMBS = frozenset({"left_arm", "right_arm", "left_leg", "right_leg"})
LIMB_KINDS = frozenset({"arm", "leg", "other"})
LIMB_STATUSES = frozenset({"injured", "recovering", "healthy"})
ALERT_KINDS = frozenset({"lsi", "volume", "baseline"})

# Instants are epoch milliseconds; a set performed before 2000 or after 2100 is a client bug.
EARLIEST_MS = 946_684_800_000
LATEST_MS = 4_102_444_800_000

_UUID7 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_WINDOW = re.compile(r"(\d{4}-\d{2}-\d{2})/(\d{4}-\d{2}-\d{2})")
_TIME = re.compile(r"([01]\d|2[0-3]):([0-5]\d)")
_COUNTS = re.compile(r"\d{1,2}(,\d{1,2})*")


class FieldError(ValueError):
    """A value outside what its field allows; ``reason`` is a stable code."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


Check = Callable[[str, Scalar], None]


def _fail(field: str, expected: str) -> FieldError:
    return FieldError("invalid_value", f"{field} must be {expected}")


def integer(low: int, high: int, *, nullable: bool = False) -> Check:
    def check(field: str, value: Scalar) -> None:
        if value is None and nullable:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            suffix = " or null" if nullable else ""
            raise _fail(field, f"an integer from {low} to {high}{suffix}")

    return check


def text(max_len: int, *, min_len: int = 0, nullable: bool = False) -> Check:
    def check(field: str, value: Scalar) -> None:
        if value is None and nullable:
            return
        if not isinstance(value, str) or not min_len <= len(value) <= max_len:
            raise _fail(field, f"text of {min_len} to {max_len} characters")

    return check


def one_of(choices: frozenset[str], *, nullable: bool = False) -> Check:
    def check(field: str, value: Scalar) -> None:
        if value is None and nullable:
            return
        if value not in choices:
            raise _fail(field, "one of " + ", ".join(sorted(choices)))

    return check


def boolean(field: str, value: Scalar) -> None:
    if not isinstance(value, bool):
        raise _fail(field, "true or false")


def is_record_id(value: object) -> bool:
    return isinstance(value, str) and _UUID7.fullmatch(value) is not None


def is_exercise_ref(value: object) -> bool:
    """A catalogue id or a custom exercise's record id (which may sync after its sets)."""
    return isinstance(value, str) and (value in CATALOGUE_IDS or is_record_id(value))


def exercise_ref(field: str, value: Scalar) -> None:
    if not is_exercise_ref(value):
        raise FieldError(
            "unknown_exercise", f"{field} must be a catalogue id or a custom exercise's record id"
        )


def exercise_list(field: str, value: Scalar) -> None:
    if not isinstance(value, str) or len(value) > 1000:
        raise _fail(field, "comma-separated exercise ids")
    if value and not all(is_exercise_ref(part) for part in value.split(",")):
        raise FieldError("unknown_exercise", f"{field} lists an unknown exercise id")


def record_ref(field: str, value: Scalar) -> None:
    if value is not None and not is_record_id(value):
        raise _fail(field, "a record id or null")


def row_counts(field: str, value: Scalar) -> None:
    """Planned left/right rows per exercise of a routine or workout, in its exercises' order."""
    if not isinstance(value, str) or len(value) > 300:
        raise _fail(field, "comma-separated row counts")
    if value and _COUNTS.fullmatch(value) is None:
        raise _fail(field, "comma-separated row counts from 0 to 99")


def calendar_date(field: str, value: Scalar) -> None:
    match = _DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None or not _valid_date(*(int(part) for part in match.groups())):
        raise _fail(field, "a date as YYYY-MM-DD")


def _valid_date(year: int, month: int, day: int) -> bool:
    if not (2000 <= year <= 2100 and 1 <= month <= 12):
        return False
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = (31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
    return 1 <= day <= days


def date_window(field: str, value: Scalar) -> None:
    """An ISO 8601 interval of two calendar dates, start not after end."""
    match = _WINDOW.fullmatch(value) if isinstance(value, str) else None
    if match is not None:
        start, end = match.groups()
        calendar_date(field, start)
        calendar_date(field, end)
        if start <= end:
            return
    raise _fail(field, "a window of dates as YYYY-MM-DD/YYYY-MM-DD")


def local_time(field: str, value: Scalar) -> None:
    if not isinstance(value, str) or _TIME.fullmatch(value) is None:
        raise _fail(field, "a local time as HH:MM")


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def time_zone(field: str, value: Scalar) -> None:
    if not isinstance(value, str) or value not in _zones():
        raise FieldError(
            "unknown_time_zone", f"{field} must be an IANA time zone such as Europe/Berlin"
        )


RECORD_FIELDS: dict[str, dict[str, Check]] = {
    "set": {
        "exercise": exercise_ref,
        "side": one_of(SIDES),
        "reps": integer(0, 1000),
        "weight_g": integer(0, 1_000_000),
        "rpe_x10": integer(10, 100, nullable=True),
        "eccentric_ms": integer(0, 60_000, nullable=True),
        "performed_at": integer(EARLIEST_MS, LATEST_MS),
        "note": text(1000, nullable=True),
        "workout": record_ref,  # the workout it was logged in, or null
        "warmup": boolean,  # kept and shown, but no part of a day's best, volume or alerts
    },
    "exercise": {
        "name": text(80, min_len=1),
        "limb": one_of(LIMB_KINDS),
        "unilateral": boolean,
    },
    "limb_status": {
        "limb": one_of(LIMBS),
        "status": one_of(LIMB_STATUSES),
        "since": calendar_date,
        "sessions_per_week": integer(1, 7, nullable=True),  # cross-education plan; null = 3
    },
    "reminder": {
        "weekdays": integer(0, 127),  # bit 0 = Monday … bit 6 = Sunday
        "local_time": local_time,
        "tz": time_zone,
        "limb": one_of(LIMBS),
        "exercises": exercise_list,
        "enabled": boolean,
    },
    # A template: exercises in order with their planned rows of left/right pairs.
    "routine": {
        "name": text(80, min_len=1),
        "exercises": exercise_list,
        "rows": row_counts,
    },
    # One training session: what it holds now, where it came from, when it ran.
    "workout": {
        "name": text(80, nullable=True),
        "routine": record_ref,
        "exercises": exercise_list,
        "rows": row_counts,
        "side": one_of(frozenset({"left", "right"}), nullable=True),  # one side only (a plan)
        "started_at": integer(EARLIEST_MS, LATEST_MS),
        "finished_at": integer(EARLIEST_MS, LATEST_MS, nullable=True),
    },
    # Written by the server; clients only acknowledge (SERVER_RECORDS).
    "alert": {
        "kind": one_of(ALERT_KINDS),
        "exercise": exercise_ref,
        "side": one_of(frozenset({"left", "right"})),
        # LSI, volume asymmetry or % of pre-injury best, by kind, in tenths of a percent.
        "value_x10": integer(0, 1_000_000),
        "window": date_window,
        "message": text(500, min_len=1),
        "created_at": integer(EARLIEST_MS, LATEST_MS),
        "cleared_at": integer(EARLIEST_MS, LATEST_MS, nullable=True),
        "acknowledged": boolean,
    },
}

# Record types only the server creates, with the fields a client may still edit.
SERVER_RECORDS: dict[str, frozenset[str]] = {"alert": frozenset({"acknowledged"})}


def check_field(record_type: str, field: str, value: Scalar) -> None:
    """Raise FieldError unless ``value`` is allowed in ``field`` of ``record_type``."""
    fields = RECORD_FIELDS.get(record_type)
    if fields is None:
        raise FieldError("unknown_record_type", f"record type {record_type!r} is not synced")
    if field == DELETED:
        boolean(field, value)
        return
    check = fields.get(field)
    if check is None:
        raise FieldError("unknown_field", f"{record_type} has no field {field!r}")
    check(field, value)


def check_client_field(record_type: str, field: str, value: Scalar) -> None:
    """Like ``check_field``, also refusing fields of server-written records clients may not edit."""
    editable = SERVER_RECORDS.get(record_type)
    if editable is not None and field not in editable:
        raise FieldError(
            "server_field",
            f"{record_type}.{field} is written by the server; clients may edit "
            + ", ".join(sorted(editable)),
        )
    check_field(record_type, field, value)
