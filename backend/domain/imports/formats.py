"""The exports Sidewise reads, recognised by their header row, and their rows as sets.

Strong (current comma form; the legacy semicolon form with a per-row unit and decimal commas),
Hevy (kg or lb columns, two date forms) and FitNotes (two header forms, dates only).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, time

from backend.domain.errors import InvalidInput
from backend.domain.imports import values
from backend.domain.imports.values import RowProblem, Unit

MAX_FIELD_CHARS = 4096
NOTE_CHARS = 1000
NAME_CHARS = 80
# FitNotes exports dates only: its sets are placed at noon, clear of midnight and DST changes.
DATE_ONLY_AT = time(12)


@dataclass(frozen=True, slots=True)
class ParsedSet:
    """One set row of an export, before sides and exercises are decided."""

    line: int
    workout: datetime  # the workout's local start (or the day, for date-only exports)
    exercise: str  # as the file names it
    order: str  # the set's place within its exercise in the workout, as the file tells it
    weight_g: int
    reps: int
    rpe_x10: int | None
    warmup: bool
    note: str | None
    hint_text: str  # notes and comments that may name a side


@dataclass(frozen=True, slots=True)
class Skipped:
    line: int
    reason: str
    detail: str


Cells = dict[str, str]
Result = ParsedSet | Skipped | None
Reader = Callable[[Cells, Unit, int], Result]


@dataclass(frozen=True)
class Format:
    name: str  # stable id: strong, strong_legacy, hevy, fitnotes
    label: str
    headers: tuple[tuple[str, ...], ...]  # every header row accepted, exactly
    delimiter: str
    unit: Unit | None  # None: the user says (Strong's current form has no unit)
    read: Reader


def _strong(cells: Cells, unit: Unit, line: int, row_unit: Unit | None = None) -> Result:
    order = cells["Set Order"].strip()
    if order.lower().startswith("rest"):
        return Skipped(line, "rest_timer", "a rest timer, not a set")
    reps = values.reps(cells["Reps"])
    if reps is None:
        return Skipped(line, "no_reps", "no reps (cardio or a timed set)")
    note = values.clean_text(cells.get("Notes", ""), NOTE_CHARS)
    return ParsedSet(
        line=line,
        workout=values.wall_time(cells["Date"]),
        exercise=_name(cells["Exercise Name"]),
        order=order,
        weight_g=values.grams(cells["Weight"], row_unit or unit),
        reps=reps,
        rpe_x10=values.rpe_x10(cells.get("RPE", "")),
        warmup=order.upper() == "W",
        note=note,
        hint_text=note or "",
    )


def _row_unit(cell: str) -> Unit:
    text = cell.strip().lower()
    if text in ("kg", "kgs", ""):
        return "kg"
    if text in ("lb", "lbs"):
        return "lb"
    raise RowProblem("bad_unit", f"weight unit {cell.strip()!r} is neither kg nor lbs")


def _read_strong(cells: Cells, unit: Unit, line: int) -> Result:
    return _strong(cells, unit, line)


def _read_strong_legacy(cells: Cells, unit: Unit, line: int) -> Result:
    return _strong(cells, unit, line, _row_unit(cells["Weight Unit"]))


def _hevy(weight_column: str, unit: Unit) -> Reader:
    def read(cells: Cells, _unit: Unit, line: int) -> Result:
        reps = values.reps(cells["reps"])
        if reps is None:
            return Skipped(line, "no_reps", "no reps (cardio or a timed set)")
        kind = cells["set_type"].strip().lower()
        notes = values.clean_text(cells["exercise_notes"], NOTE_CHARS)
        return ParsedSet(
            line=line,
            workout=values.wall_time(cells["start_time"]),
            exercise=_name(cells["exercise_title"]),
            order=cells["set_index"].strip(),
            weight_g=values.grams(cells[weight_column], unit),
            reps=reps,
            rpe_x10=values.rpe_x10(cells["rpe"]),
            warmup=kind == "warmup",
            note=notes,
            hint_text=notes or "",
        )

    return read


def _fitnotes(weight_column: str, unit: Unit | None) -> Reader:
    def read(cells: Cells, _unit: Unit, line: int) -> Result:
        reps = values.reps(cells["Reps"])
        if reps is None:
            return Skipped(line, "no_reps", "no reps (cardio or a timed set)")
        row_unit = unit or _row_unit(cells["Weight Unit"])
        day = values.wall_time(cells["Date"]).date()
        comment = values.clean_text(cells.get("Comment", ""), NOTE_CHARS)
        return ParsedSet(
            line=line,
            workout=datetime.combine(day, DATE_ONLY_AT),
            exercise=_name(cells["Exercise"]),
            order="",  # row order is set order: numbered when the workout is grouped
            weight_g=values.grams(cells[weight_column], row_unit),
            reps=reps,
            rpe_x10=None,
            warmup=False,
            note=comment,
            hint_text=comment or "",
        )

    return read


def _name(cell: str) -> str:
    name = values.clean_text(cell, NAME_CHARS)
    if name is None:
        raise RowProblem("no_exercise", "the row names no exercise")
    return name


_STRONG = ("Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight", "Reps",
           "Distance", "Seconds", "Notes", "Workout Notes", "RPE")  # fmt: skip
_STRONG_LEGACY = ("Date", "Workout Name", "Exercise Name", "Set Order", "Weight", "Weight Unit",
                  "Reps", "RPE", "Distance", "Distance Unit", "Seconds", "Notes",
                  "Workout Notes")  # fmt: skip
_HEVY_HEAD = ("title", "start_time", "end_time", "description", "exercise_title", "superset_id",
              "exercise_notes", "set_index", "set_type")  # fmt: skip
_FITNOTES_TAIL = ("Reps", "Distance", "Distance Unit", "Time")
_WEIGHT_COLUMNS: tuple[tuple[str, Unit], ...] = (("weight_kg", "kg"), ("weight_lbs", "lb"))
_SUFFIXES: tuple[tuple[str, Unit], ...] = (("kgs", "kg"), ("lbs", "lb"))


def _hevy_format(weight: str, distance: str, unit: Unit) -> Format:
    return Format(
        name="hevy",
        label="Hevy",
        headers=((*_HEVY_HEAD, weight, "reps", distance, "duration_seconds", "rpe"),),
        delimiter=",",
        unit=unit,
        read=_hevy(weight, unit),
    )


FORMATS: tuple[Format, ...] = (
    Format("strong", "Strong", (_STRONG,), ",", None, _read_strong),
    Format(
        "strong_legacy",
        "Strong (older export)",
        (_STRONG_LEGACY, (*_STRONG_LEGACY, "Workout Duration")),
        ";",
        None,
        _read_strong_legacy,
    ),
    *(
        _hevy_format(weight, distance, unit)
        for weight, unit in _WEIGHT_COLUMNS
        for distance in ("distance_km", "distance_miles")
    ),
    *(
        Format(
            "fitnotes",
            "FitNotes",
            (("Date", "Exercise", "Category", f"Weight ({suffix})", *_FITNOTES_TAIL),),
            ",",
            unit,
            _fitnotes(f"Weight ({suffix})", unit),
        )
        for suffix, unit in _SUFFIXES
    ),
    Format(
        "fitnotes",
        "FitNotes",
        (("Date", "Exercise", "Category", "Weight", "Weight Unit", *_FITNOTES_TAIL, "Comment"),),
        ",",
        None,
        _fitnotes("Weight", None),
    ),
)
UNDERSTOOD = "Strong (both forms), Hevy, FitNotes, or a Sidewise JSON export"


def detect(first_line: str) -> Format:
    """The format whose header is the file's first line; a clear refusal otherwise."""
    for fmt in FORMATS:
        header = tuple(
            cell.strip() for cell in next(csv.reader([first_line], delimiter=fmt.delimiter), [])
        )
        if header in fmt.headers:
            return fmt
    raise InvalidInput(
        f"the first line is not a header Sidewise knows; it reads {UNDERSTOOD} exports",
        code="unknown_format",
    )


def rows(text: str, fmt: Format, unit: Unit) -> Iterator[ParsedSet | Skipped]:
    """Every row after the header as a set or a skipped row (line numbers count the header)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=fmt.delimiter, strict=True)
    try:
        header = [cell.strip() for cell in next(reader)]
        end = reader.line_num
        for cells in reader:
            line, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if any(len(cell) > MAX_FIELD_CHARS for cell in cells):
                raise _too_large(line)
            if len(cells) != len(header):
                yield Skipped(
                    line, "columns", f"{len(cells)} columns where the header has {len(header)}"
                )
                continue
            try:
                parsed = fmt.read(dict(zip(header, cells, strict=True)), unit, line)
            except RowProblem as problem:
                yield Skipped(line, problem.reason, problem.detail)
                continue
            if parsed is not None:
                yield parsed
    except csv.Error as exc:
        line = reader.line_num
        if "field larger than field limit" in str(exc):
            raise _too_large(line) from None
        raise InvalidInput(
            f"line {line} is not valid CSV ({exc})", code="not_csv", line=line
        ) from None


def _too_large(line: int) -> InvalidInput:
    return InvalidInput(
        f"line {line} holds a field of more than {MAX_FIELD_CHARS} characters; "
        "this is not an export Sidewise reads",
        code="field_too_large",
        line=line,
    )
