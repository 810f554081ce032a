"""Cells of an export to Sidewise's integer units, or a reason the row cannot be imported."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Literal

Unit = Literal["kg", "lb"]

GRAMS_PER_LB = Decimal("453.59237")
MAX_REPS = 1000
MAX_WEIGHT_G = 1_000_000
FIRST_YEAR, LAST_YEAR = 2000, 2100


class RowProblem(ValueError):
    """Why one row is skipped; ``reason`` is a stable code shown with the line number."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def number(cell: str, what: str) -> Decimal | None:
    """A decimal from "12.5", "12,5" (decimal comma) or "1,234.5"; None when empty."""
    text = cell.strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if not text:
        return None
    if "," in text:
        text = text.replace(",", "") if "." in text else text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise RowProblem("bad_number", f"{what} {cell.strip()!r} is not a number") from None
    if not value.is_finite():
        raise RowProblem("bad_number", f"{what} {cell.strip()!r} is not a number")
    return value


def grams(cell: str, unit: Unit) -> int:
    """A weight in grams; an empty weight is bodyweight (0)."""
    value = number(cell, "weight")
    if value is None:
        return 0
    if value < 0:
        raise RowProblem("negative_weight", f"weight {cell.strip()} is negative")
    g = int((value * (GRAMS_PER_LB if unit == "lb" else 1000)).to_integral_value())
    if g > MAX_WEIGHT_G:
        raise RowProblem("weight_out_of_range", f"weight {cell.strip()} {unit} is over 1,000 kg")
    return g


def reps(cell: str) -> int | None:
    """Whole repetitions; None when the row has none (cardio, timed sets)."""
    value = number(cell, "reps")
    if value is None or value == 0:
        return None
    if value < 0 or value != value.to_integral_value():
        raise RowProblem("bad_reps", f"reps {cell.strip()!r} is not a whole number")
    if value > MAX_REPS:
        raise RowProblem("reps_out_of_range", f"{cell.strip()} reps is more than {MAX_REPS}")
    return int(value)


def rpe_x10(cell: str) -> int | None:
    """RPE × 10 (8.5 -> 85); empty or 0 (some apps' "not set") is none."""
    value = number(cell, "RPE")
    if value is None or value == 0:
        return None
    if not 1 <= value <= 10:
        raise RowProblem("rpe_out_of_range", f"RPE {cell.strip()} is not between 1 and 10")
    return int((value * 10).to_integral_value())


_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %I:%M:%S %p",
    "%Y-%m-%d %I:%M %p",
    "%d %b %Y, %H:%M",
    "%d %b %Y %H:%M",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y, %I:%M:%S %p",
    "%m/%d/%Y %I:%M %p",
    "%m/%d/%Y %H:%M:%S",
    "%Y-%m-%d",
)


def wall_time(cell: str) -> datetime:
    """A local wall time; 12-hour clocks may carry a (narrow) no-break space before AM/PM."""
    text = _SPACES.sub(" ", cell).strip()
    for fmt in _FORMATS:
        try:
            moment = datetime.strptime(text, fmt)  # a wall time: the zone comes later
        except ValueError:
            continue
        if not FIRST_YEAR <= moment.year < LAST_YEAR:
            raise RowProblem("date_out_of_range", f"date {text} is not between 2000 and 2099")
        return moment
    raise RowProblem("bad_date", f"{text!r} is not a date Sidewise reads")


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]+")


def clean_text(cell: str, max_len: int) -> str | None:
    """Text as a record holds it: NFC, control characters (line breaks) as spaces, clipped."""
    text = unicodedata.normalize("NFC", _CONTROL.sub(" ", cell)).strip()
    return text[:max_len] if text else None
