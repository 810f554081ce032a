"""Read the server's sync state back, in the shape of the pure model, for comparisons."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text

from backend.db.engine import Database
from backend.services.projectors import COLUMNS
from sync.canon import canon
from sync.merge import DELETED, FieldValue
from sync.wire import Op

State = dict[tuple[str, str], tuple[str, str]]  # (record_id, field) -> (hlc, canonical value)

SET_COLUMNS = COLUMNS  # record field -> logged_set column


def model_state(model: dict[tuple[str, str], FieldValue]) -> State:
    return {key: (fv.hlc, canon(fv.value)) for key, fv in model.items()}


def model_sets(
    ops: list[Op], model: dict[tuple[str, str], FieldValue]
) -> dict[str, dict[str, Any]]:
    """The logged_set rows the pure model implies: one per existing set record."""
    by_record: dict[str, dict[str, Any]] = {}
    for (record_id, field), fv in model.items():
        by_record.setdefault(record_id, {})[field] = fv.value
    rows: dict[str, dict[str, Any]] = {}
    for set_id in {op.record_id for op in ops if op.record_type == "set"}:
        fields = by_record.get(set_id, {})
        if not fields or fields.get(DELETED) is True:
            continue
        rows[set_id] = {column: fields.get(name) for name, column in SET_COLUMNS.items()}
    return rows


async def server_state(db: Database, account_id: int) -> State:
    async with db.read() as conn:
        rows = await conn.execute(
            text("SELECT record_id, field, hlc, value FROM field_state WHERE account_id = :a"),
            {"a": account_id},
        )
        return {(r.record_id, r.field): (r.hlc, r.value) for r in rows}


async def server_sets(db: Database, account_id: int) -> dict[str, dict[str, Any]]:
    columns = ", ".join(SET_COLUMNS.values())
    async with db.read() as conn:
        rows = await conn.execute(
            text(f"SELECT set_id, {columns} FROM logged_set WHERE account_id = :a"),
            {"a": account_id},
        )
        return {r.set_id: {c: getattr(r, c) for c in SET_COLUMNS.values()} for r in rows}


async def op_log_ids(db: Database, account_id: int) -> list[str]:
    async with db.read() as conn:
        rows = await conn.execute(
            text("SELECT op_id FROM op_log WHERE account_id = :a"), {"a": account_id}
        )
        return [r.op_id for r in rows]
