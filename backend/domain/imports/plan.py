"""From a read export to a preview (what would be imported) and, with the user's choices per
exercise, to the sets to write: sides decided, times placed, exercises mapped."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from backend.domain.catalogue import CATALOGUE_IDS
from backend.domain.errors import InvalidInput
from backend.domain.imports.formats import ParsedSet, Skipped
from backend.domain.imports.sides import (
    Hint,
    catalogue_match,
    limb_of,
    looks_unilateral,
    note_side,
    split_name,
)
from backend.domain.records import LIMB_KINDS, is_record_id

SideChoice = Literal["left", "right", "both", "alternate"]
SHOWN_SKIPS = 200  # a preview lists this many skipped rows; the counts cover them all


class ExercisePreview(msgspec.Struct, kw_only=True):
    name: str  # as the file names it, without a side suffix
    sets: int
    warmups: int
    hinted_left: int  # sets whose note or name says left
    hinted_right: int
    proposed_side: SideChoice  # for the sets without a hint
    suggested: str | None  # a catalogue id whose name matches, to confirm
    unilateral: bool  # the name's wording suggests one limb at a time
    limb: str  # arm | leg | other, from the wording


class SkippedRow(msgspec.Struct):
    line: int
    reason: str
    detail: str


class Preview(msgspec.Struct, kw_only=True):
    format: str
    format_label: str
    encoding: str
    unit: str | None  # kg | lb, or None when rows carry their own units
    unit_asked: bool  # the file has no unit: the user's choice applies
    rows: int  # data rows read
    sets: int
    warmups: int
    first_day: str | None
    last_day: str | None
    exercises: list[ExercisePreview]
    skipped: list[SkippedRow]  # the first SHOWN_SKIPS
    skipped_total: int
    skipped_by_reason: dict[str, int]
    already_imported: int = 0


class NewExercise(msgspec.Struct, forbid_unknown_fields=True):
    name: str = msgspec.field()
    limb: str = "other"
    unilateral: bool = True


class ExerciseChoice(msgspec.Struct, forbid_unknown_fields=True):
    """For one imported exercise: what it becomes and the side of its sets without a hint.

    ``target`` is a catalogue id, the record id of an existing custom exercise, or "new" with
    ``new`` describing the custom exercise to create.
    """

    name: str
    target: str
    side: SideChoice
    new: NewExercise | None = None


@dataclass(frozen=True, slots=True)
class PlacedSet:
    """A set row with what does not depend on the user's choices: identity and instant."""

    source: ParsedSet
    exercise: str  # the imported exercise it belongs to (name without a side suffix)
    hint: Hint | None
    place: int  # 0-based, in file order, within its exercise in the workout
    key: str  # the row's identity: format, workout, exercise, place and numbers
    performed_at: int  # epoch ms


@dataclass(frozen=True, slots=True)
class PlannedSet:
    placed: PlacedSet
    exercise: str  # catalogue id, custom record id, or "new:<imported name>"
    side: str


@dataclass
class _Group:
    sets: list[ParsedSet] = field(default_factory=list)
    hinted: dict[str, int] = field(default_factory=lambda: {"left": 0, "right": 0})


def hint_of(row: ParsedSet) -> tuple[str, Hint | None]:
    base, from_name = split_name(row.exercise)
    return base, from_name or note_side(row.hint_text)


def preview(
    fmt_name: str,
    fmt_label: str,
    encoding: str,
    unit: tuple[str | None, bool],
    rows: Iterable[ParsedSet | Skipped],
) -> tuple[Preview, list[ParsedSet]]:
    """``unit``: the unit that applies (None: per row) and whether the user chose it."""
    groups: dict[str, _Group] = {}
    parsed: list[ParsedSet] = []
    skipped: list[SkippedRow] = []
    by_reason: dict[str, int] = {}
    total = 0
    for row in rows:
        total += 1
        if isinstance(row, Skipped):
            by_reason[row.reason] = by_reason.get(row.reason, 0) + 1
            if len(skipped) < SHOWN_SKIPS:
                skipped.append(SkippedRow(row.line, row.reason, row.detail))
            continue
        parsed.append(row)
        base, hint = hint_of(row)
        group = groups.setdefault(base, _Group())
        group.sets.append(row)
        if hint is not None:
            group.hinted[hint] += 1
    exercises = [
        ExercisePreview(
            name=name,
            sets=len(group.sets),
            warmups=sum(s.warmup for s in group.sets),
            hinted_left=group.hinted["left"],
            hinted_right=group.hinted["right"],
            proposed_side="alternate" if looks_unilateral(name) else "both",
            suggested=catalogue_match(name),
            unilateral=looks_unilateral(name),
            limb=limb_of(name),
        )
        for name, group in sorted(groups.items(), key=lambda item: item[0].lower())
    ]
    days = sorted({s.workout.date().isoformat() for s in parsed})
    result = Preview(
        format=fmt_name,
        format_label=fmt_label,
        encoding=encoding,
        unit=unit[0],
        unit_asked=unit[1],
        rows=total,
        sets=len(parsed),
        warmups=sum(s.warmup for s in parsed),
        first_day=days[0] if days else None,
        last_day=days[-1] if days else None,
        exercises=exercises,
        skipped=skipped,
        skipped_total=total - len(parsed),
        skipped_by_reason=by_reason,
    )
    return result, parsed


def check_choices(
    exercises: Iterable[str], choices: list[ExerciseChoice]
) -> dict[str, ExerciseChoice]:
    """Every imported exercise needs exactly one valid choice; nothing is created silently."""
    by_name: dict[str, ExerciseChoice] = {}
    for choice in choices:
        if choice.name in by_name:
            raise InvalidInput(f"{choice.name!r} is chosen twice", code="invalid_plan")
        if choice.target == "new":
            new = choice.new
            if new is None or not 1 <= len(new.name.strip()) <= 80 or new.limb not in LIMB_KINDS:
                raise InvalidInput(
                    f"{choice.name!r}: a new exercise needs a name of 1 to 80 characters and a "
                    "limb (arm, leg or other)",
                    code="invalid_plan",
                )
        elif choice.target not in CATALOGUE_IDS and not is_record_id(choice.target):
            raise InvalidInput(
                f"{choice.name!r}: {choice.target!r} is neither a catalogue exercise nor yours",
                code="invalid_plan",
            )
        by_name[choice.name] = choice
    missing = sorted(set(exercises) - by_name.keys())
    if missing:
        raise InvalidInput(
            "choose what these exercises become: " + ", ".join(missing[:10]),
            code="plan_incomplete",
            missing=missing,
        )
    return by_name


def place(fmt_name: str, rows: list[ParsedSet], zone: ZoneInfo) -> list[PlacedSet]:
    """Identity and instant of every set. Sets of one workout are placed a second apart in
    file order (their wall time in ``zone``); within one exercise of a workout, file order is
    set order."""
    placed = []
    in_workout: dict[datetime, int] = {}
    in_exercise: dict[tuple[datetime, str], int] = {}
    for row in rows:
        base, hint = hint_of(row)
        nth = in_workout.get(row.workout, 0)
        in_workout[row.workout] = nth + 1
        spot = in_exercise.get((row.workout, row.exercise), 0)
        in_exercise[(row.workout, row.exercise)] = spot + 1
        local = (row.workout + timedelta(seconds=nth)).replace(tzinfo=zone)
        key = "|".join(
            (fmt_name, row.workout.isoformat(), row.exercise, str(spot), row.order,
             str(row.weight_g), str(row.reps))
        )  # fmt: skip
        placed.append(PlacedSet(row, base, hint, spot, key, int(local.timestamp() * 1000)))
    return placed


def assign(placed: list[PlacedSet], choices: dict[str, ExerciseChoice]) -> list[PlannedSet]:
    """The exercise and side of every set: a hint wins, else the exercise's choice."""
    planned = []
    for item in placed:
        choice = choices[item.exercise]
        side: str = item.hint or choice.side
        if item.hint is None and choice.side == "alternate":
            side = "left" if item.place % 2 == 0 else "right"
        exercise = f"new:{choice.name}" if choice.target == "new" else choice.target
        planned.append(PlannedSet(item, exercise, side))
    return planned
