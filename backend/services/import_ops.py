"""Imported rows and records as checked ops of the account's import replica."""

from __future__ import annotations

from collections.abc import Iterable

from backend.domain.imports.document import DocumentRecord
from backend.domain.imports.plan import NewExercise, PlannedSet
from backend.domain.records import FieldError, check_field
from backend.services import import_ids
from backend.services.sync_checks import CheckedOp
from sync.canon import InvalidValue, Scalar, canon, check_value
from sync.wire import Op


class Unwritable(ValueError):
    """A value no record may hold (e.g. an instant the account's zone puts before 2000)."""


def _ops(
    account_id: int, record_type: str, record_id: str, fields: Iterable[tuple[str, Scalar]], at: int
) -> list[CheckedOp]:
    hlc = import_ids.stamp(account_id, at)
    ops = []
    for name, raw in fields:
        try:
            value = check_value(raw)
            check_field(record_type, name, value)
        except (InvalidValue, FieldError) as exc:
            raise Unwritable(f"{record_type}.{name}: {exc}") from None
        op = Op(import_ids.op_id(record_id, name, value, at), record_type, record_id, name,
                value, hlc.encode())  # fmt: skip
        ops.append(CheckedOp(index=0, op=op, value=value, canon=canon(value), hlc=hlc))
    return ops


def set_ops(account_id: int, planned: PlannedSet, exercise_ids: dict[str, str]) -> list[CheckedOp]:
    placed, row = planned.placed, planned.placed.source
    at = placed.performed_at
    record_id = import_ids.set_id(account_id, placed.key, at)
    fields: list[tuple[str, Scalar]] = [
        ("exercise", exercise_ids.get(planned.exercise, planned.exercise)),
        ("side", planned.side),
        ("reps", row.reps),
        ("weight_g", row.weight_g),
        ("performed_at", at),
    ]
    if row.rpe_x10 is not None:
        fields.append(("rpe_x10", row.rpe_x10))
    if row.note is not None:
        fields.append(("note", row.note))
    if row.warmup:
        fields.append(("warmup", True))
    return _ops(account_id, "set", record_id, fields, at)


def exercise_ops(account_id: int, record_id: str, new: NewExercise) -> list[CheckedOp]:
    fields: list[tuple[str, Scalar]] = [
        ("name", new.name.strip()),
        ("limb", new.limb),
        ("unilateral", new.unilateral),
    ]
    return _ops(account_id, "exercise", record_id, fields, import_ids.UNDATED_MS)


def record_ops(account_id: int, record: DocumentRecord, ids: dict[str, str]) -> list[CheckedOp]:
    """A record of a Sidewise JSON export under its id in this account, its references to
    other records of the document moved with them."""
    fields: list[tuple[str, Scalar]] = []
    for name, value in sorted(record.fields.items()):
        if name == "exercise" and isinstance(value, str):
            value = ids.get(value, value)
        elif name == "exercises" and isinstance(value, str) and value:
            value = ",".join(ids.get(part, part) for part in value.split(","))
        fields.append((name, value))
    at = record.fields.get("performed_at")
    stamp_ms = at if isinstance(at, int) and not isinstance(at, bool) else import_ids.UNDATED_MS
    return _ops(account_id, record.type, ids[record.id], fields, stamp_ms)
