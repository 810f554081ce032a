"""SQL of the sync hot path: prepared Core text statements over the SQLModel tables.

Identical text runs on SQLite and PostgreSQL: both speak ``ON CONFLICT … DO UPDATE … WHERE``
and row-value comparison. Bulk writes are executemany; no per-row ORM objects.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import Any, NamedTuple

from sqlalchemy import bindparam, text
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.services.sync_checks import CheckedOp

# Stay well under SQLite's and asyncpg's bound-parameter limits.
_CHUNK = 900

_BUMP_SEQ = text(
    "UPDATE sync_counter SET seq = seq + 1 WHERE account_id = :account_id RETURNING seq"
)
_LOAD_OPS = text(
    "SELECT op_id, account_id, record_type, record_id, field, value, hlc FROM op_log "
    "WHERE op_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_LOAD_RECORDS = text(
    "SELECT record_id, account_id, record_type FROM record WHERE record_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_INSERT_RECORD = text(
    "INSERT INTO record (record_id, account_id, record_type) "
    "VALUES (:record_id, :account_id, :record_type) ON CONFLICT (record_id) DO NOTHING"
)
_LOAD_FIELDS = text(
    "SELECT record_id, field, hlc, value FROM field_state "
    "WHERE account_id = :account_id AND record_id IN :ids"
).bindparams(bindparam("ids", expanding=True))
_INSERT_OP = text(
    "INSERT INTO op_log (op_id, account_id, device_id, record_type, record_id, field, value, "
    "hlc, seq, received_at_ms) VALUES (:op_id, :account_id, :device_id, :record_type, "
    ":record_id, :field, :value, :hlc, :seq, :received_at_ms) ON CONFLICT (op_id) DO NOTHING"
)
# The merge rule lives in the WHERE after SET (a WHERE before DO would be an index predicate);
# it also guards the owner, so a row can never move between accounts.
_UPSERT_FIELD = text(
    "INSERT INTO field_state (record_id, field, account_id, record_type, value, hlc, seq) "
    "VALUES (:record_id, :field, :account_id, :record_type, :value, :hlc, :seq) "
    "ON CONFLICT (record_id, field) DO UPDATE SET "
    "value = excluded.value, hlc = excluded.hlc, seq = excluded.seq "
    "WHERE field_state.account_id = excluded.account_id AND ("
    "excluded.hlc > field_state.hlc OR "
    "(excluded.hlc = field_state.hlc AND excluded.value > field_state.value))"
)
_UPSERT_SET = text(
    "INSERT INTO logged_set (set_id, account_id, exercise, side, reps, weight_g, rpe_x10, "
    "eccentric_ms, performed_at_ms, note, seq) VALUES (:set_id, :account_id, :exercise, :side, "
    ":reps, :weight_g, :rpe_x10, :eccentric_ms, :performed_at_ms, :note, :seq) "
    "ON CONFLICT (set_id) DO UPDATE SET exercise = excluded.exercise, side = excluded.side, "
    "reps = excluded.reps, weight_g = excluded.weight_g, rpe_x10 = excluded.rpe_x10, "
    "eccentric_ms = excluded.eccentric_ms, performed_at_ms = excluded.performed_at_ms, "
    "note = excluded.note, seq = excluded.seq "
    "WHERE logged_set.account_id = excluded.account_id"
)
_DELETE_SET = text("DELETE FROM logged_set WHERE set_id = :set_id AND account_id = :account_id")


class OpRow(NamedTuple):
    op_id: str
    account_id: int
    record_type: str
    record_id: str
    field: str
    value: str
    hlc: str


# record_id -> field -> (hlc, canonical value)
FieldMap = dict[str, dict[str, tuple[str, str]]]


def _chunks(items: Sequence[str]) -> Iterable[list[str]]:
    for start in range(0, len(items), _CHUNK):
        yield list(items[start : start + _CHUNK])


async def bump_seq(conn: AsyncConnection, account_id: int) -> int:
    result = await conn.execute(_BUMP_SEQ, {"account_id": account_id})
    return int(result.scalar_one())


async def load_ops(conn: AsyncConnection, op_ids: Sequence[str]) -> dict[str, OpRow]:
    found: dict[str, OpRow] = {}
    for chunk in _chunks(op_ids):
        for row in await conn.execute(_LOAD_OPS, {"ids": chunk}):
            found[row[0]] = OpRow(*row)
    return found


async def claim_records(
    conn: AsyncConnection, account_id: int, wanted: dict[str, str]
) -> dict[str, tuple[int, str]]:
    """Insert unseen record ids for ``account_id``; return every id's (owner, type)."""
    ids = list(wanted)
    owners = await _load_records(conn, ids)
    fresh = [rid for rid in ids if rid not in owners]
    if fresh:
        await conn.execute(
            _INSERT_RECORD,
            [
                {"record_id": rid, "account_id": account_id, "record_type": wanted[rid]}
                for rid in fresh
            ],
        )
        # Read back: a concurrent push of another account may have claimed the same id first.
        owners.update(await _load_records(conn, fresh))
    return owners


async def _load_records(conn: AsyncConnection, ids: Sequence[str]) -> dict[str, tuple[int, str]]:
    owners: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(ids):
        for record_id, owner, record_type in await conn.execute(_LOAD_RECORDS, {"ids": chunk}):
            owners[record_id] = (owner, record_type)
    return owners


async def load_fields(
    conn: AsyncConnection, account_id: int, record_ids: Collection[str]
) -> FieldMap:
    state: FieldMap = {}
    for chunk in _chunks(sorted(record_ids)):
        rows = await conn.execute(_LOAD_FIELDS, {"account_id": account_id, "ids": chunk})
        for record_id, field, hlc, value in rows:
            state.setdefault(record_id, {})[field] = (hlc, value)
    return state


async def insert_ops(
    conn: AsyncConnection,
    account_id: int,
    device_id: str,
    seq: int,
    now_ms: int,
    ops: Sequence[CheckedOp],
) -> None:
    await conn.execute(
        _INSERT_OP,
        [
            {
                "op_id": c.op.op_id,
                "account_id": account_id,
                "device_id": device_id,
                "record_type": c.op.record_type,
                "record_id": c.op.record_id,
                "field": c.op.field,
                "value": c.canon,
                "hlc": c.op.hlc,
                "seq": seq,
                "received_at_ms": now_ms,
            }
            for c in ops
        ],
    )


async def upsert_fields(
    conn: AsyncConnection, account_id: int, seq: int, winners: Sequence[CheckedOp]
) -> None:
    if not winners:
        return
    await conn.execute(
        _UPSERT_FIELD,
        [
            {
                "record_id": c.op.record_id,
                "field": c.op.field,
                "account_id": account_id,
                "record_type": c.op.record_type,
                "value": c.canon,
                "hlc": c.op.hlc,
                "seq": seq,
            }
            for c in winners
        ],
    )


async def write_sets(
    conn: AsyncConnection,
    account_id: int,
    seq: int,
    upserts: Sequence[dict[str, Any]],
    deletes: Sequence[str],
) -> None:
    if upserts:
        await conn.execute(
            _UPSERT_SET, [{**row, "account_id": account_id, "seq": seq} for row in upserts]
        )
    if deletes:
        await conn.execute(
            _DELETE_SET, [{"set_id": set_id, "account_id": account_id} for set_id in deletes]
        )
