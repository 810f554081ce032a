"""The sync tables: the op log, record ownership, merged field state, ``logged_set`` and each
account's sequence counter. Both engines speak ``ON CONFLICT … DO UPDATE … WHERE``."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any, NamedTuple

from backend.db.connection import Connection, PgConnection
from backend.db.driver import bigint, bulk, execute_many, fetch, ids, is_pg, text
from backend.db.driver import execute as run


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

_OP_COLUMNS = [
    *text("op_id"),
    *bigint("account_id"),
    *text("device_id", "record_type", "record_id", "field", "value", "hlc"),
    *bigint("seq", "received_at_ms"),
]
_FIELD_COLUMNS = [
    *text("record_id", "field"),
    *bigint("account_id"),
    *text("record_type", "value", "hlc"),
    *bigint("seq"),
]
# The merge rule lives in the WHERE after SET (a WHERE before DO would be an index predicate);
# it also guards the owner, so a row can never move between accounts.
_FIELD_CONFLICT = (
    "ON CONFLICT (record_id, field) DO UPDATE SET "
    "value = excluded.value, hlc = excluded.hlc, seq = excluded.seq "
    "WHERE field_state.account_id = excluded.account_id AND ("
    "excluded.hlc > field_state.hlc OR "
    "(excluded.hlc = field_state.hlc AND excluded.value > field_state.value))"
)
SET_COLUMNS = [
    *text("set_id"),
    *bigint("account_id"),
    *text("exercise", "side"),
    *bigint("reps", "weight_g", "rpe_x10", "eccentric_ms", "performed_at_ms"),
    *text("note"),
    *bigint("seq"),
]
# The projected row's columns between the owner and the sequence number, in SET_COLUMNS order.
_SET_FIELDS = [c.name for c in SET_COLUMNS[2:-1]]
_SET_CONFLICT = (
    "ON CONFLICT (set_id) DO UPDATE SET "
    + ", ".join(f"{c.name} = excluded.{c.name}" for c in SET_COLUMNS[2:])
    + " WHERE logged_set.account_id = excluded.account_id"
)


async def lock_account(conn: Connection, account_id: int) -> None:
    """Serialise this account's pushes until commit without writing anything.

    SQLite has one writer, which already serialises every push. PostgreSQL takes a
    transaction-scoped advisory lock keyed by the account id: unlike a row lock it assigns no
    transaction id, so a push that ends up writing nothing commits without a WAL flush.
    """
    if isinstance(conn, PgConnection) and conn.turn_of == account_id:
        return  # taken with the transaction's BEGIN (``begin_with_turn``)
    if is_pg(conn):
        await run(conn, _ACCOUNT_LOCK, (account_id,))


_ACCOUNT_LOCK = "SELECT pg_advisory_xact_lock(?)"


def begin_with_turn(account_id: int) -> str:
    """PostgreSQL: BEGIN and ``lock_account`` as one round trip (a simple query of two
    statements, so the id is written in: an ``int``, never text)."""
    return f"BEGIN; {_ACCOUNT_LOCK.replace('?', str(int(account_id)))}"


_OP_READ = "op_id, account_id, record_type, record_id, field, value, hlc"
# Unary + keeps the owner guard but stops both planners from preferring the account's index (a
# scan of all its rows) over the primary key on record_id.
_FIELDS_OF = "+account_id = ? AND record_id {ids}"


async def load_ops(conn: Connection, op_ids: Sequence[str]) -> dict[str, OpRow]:
    sql = f"SELECT {_OP_READ} FROM op_log WHERE op_id {{ids}}"  # noqa: S608
    return {row[0]: OpRow(*row) for row in await fetch(conn, sql, (ids(conn, op_ids),))}


class PushState(NamedTuple):
    """What a batch is checked and merged against, read once the account's turn is taken."""

    ops: dict[str, OpRow]  # the batch's op ids already logged
    owners: dict[str, tuple[int, str]]  # its known record ids: (owner, record type)
    fields: FieldMap  # the account's merged fields of those records
    zone: str  # the account's time zone
    placed: dict[str, tuple[str, int]]  # its sets that have both: (exercise, performed_at_ms)


async def load_push_state(
    conn: Connection, account_id: int, op_ids: Sequence[str], record_ids: Sequence[str]
) -> PushState:
    """The logged ops, known records, stored fields, time zone and placed sets a batch meets:
    one round trip on PostgreSQL (five result sets as one, tagged), five statements on SQLite."""
    records = sorted(record_ids)
    if not is_pg(conn):
        ((zone,),) = await fetch(conn, "SELECT time_zone FROM account WHERE id = ?", (account_id,))
        placed = await fetch(conn, _PLACED, (account_id, ids(conn, records)))
        return PushState(
            await load_ops(conn, op_ids),
            await _load_records(conn, records),
            await load_fields(conn, account_id, records),
            str(zone),
            {set_id: (exercise, at) for set_id, exercise, at in placed},
        )
    sql = (
        f"SELECT 'o', {_OP_READ} FROM op_log WHERE op_id {{ids}} UNION ALL "  # noqa: S608
        "SELECT 'r', record_id, account_id, record_type, NULL, NULL, NULL, NULL FROM record "
        "WHERE record_id {ids} UNION ALL "
        "SELECT 'f', record_id, NULL, NULL, NULL, field, value, hlc FROM field_state "
        f"WHERE {_FIELDS_OF} UNION ALL "
        "SELECT 'z', time_zone, NULL, NULL, NULL, NULL, NULL, NULL FROM account WHERE id = ? "
        "UNION ALL SELECT 'p', set_id, performed_at_ms, exercise, NULL, NULL, NULL, NULL "
        f"FROM ({_PLACED}) AS placed"
    )
    arrays = ids(conn, records)
    state = PushState({}, {}, {}, "", {})
    zone = ""
    for tag, key, owner, kind, record_id, name, value, hlc in await fetch(
        conn,
        sql,
        (ids(conn, op_ids), arrays, account_id, arrays, account_id, account_id, arrays),
    ):
        if tag == "o":
            state.ops[key] = OpRow(key, owner, kind, record_id, name, value, hlc)
        elif tag == "r":
            state.owners[key] = (owner, kind)
        elif tag == "f":
            state.fields.setdefault(key, {})[name] = (hlc, value)
        elif tag == "z":
            zone = key
        else:
            state.placed[key] = (kind, owner)
    return state._replace(zone=zone)


_PLACED = (
    "SELECT set_id, exercise, performed_at_ms FROM logged_set "
    "WHERE +account_id = ? AND set_id {ids} AND exercise IS NOT NULL "
    "AND performed_at_ms IS NOT NULL"
)


_RECORD_COLUMNS = [*text("record_id"), *bigint("account_id"), *text("record_type")]
_RECORD_CONFLICT = "ON CONFLICT (record_id) DO NOTHING"


async def _load_records(conn: Connection, record_ids: Sequence[str]) -> dict[str, tuple[int, str]]:
    sql = "SELECT record_id, account_id, record_type FROM record WHERE record_id {ids}"
    rows = await fetch(conn, sql, (ids(conn, record_ids),))
    return {rid: (owner, kind) for rid, owner, kind in rows}


async def load_fields(conn: Connection, account_id: int, record_ids: Collection[str]) -> FieldMap:
    sql = f"SELECT record_id, field, hlc, value FROM field_state WHERE {_FIELDS_OF}"  # noqa: S608
    state: FieldMap = {}
    for record_id, field, hlc, value in await fetch(
        conn, sql, (account_id, ids(conn, sorted(record_ids)))
    ):
        state.setdefault(record_id, {})[field] = (hlc, value)
    return state


# (op_id, account_id, device_id, record_type, record_id, field, value, hlc, received_at_ms):
# an op log row but for the batch's sequence number, which logging it assigns
OpLogRow = tuple[str, int, str, str, str, str, str, str, int]
# (record_id, field, account_id, record_type, value, hlc, seq)
FieldRow = tuple[str, str, int, str, str, str, int]


class Logged(NamedTuple):
    seq: int  # the batch's sequence number
    lost: set[str]  # fresh record ids another account claimed first
    unlogged: set[str]  # op ids not logged: on a lost record, or held by another account


async def claim_and_log(
    conn: Connection,
    account_id: int,
    fresh: dict[str, str],
    rows: Sequence[OpLogRow],
) -> Logged:
    """Claim the ``fresh`` record ids (id -> record type) for the account, bump its sequence
    and log ``rows`` under it, except the ops on a fresh id another account claimed first.

    Only on PostgreSQL can another account's push, committed since this one looked the ids up,
    hold a fresh record id or an op id; there all of it is one statement. SQLite's one writer
    runs each push's lookup and writes with nobody in between. The counter row's lock, held to
    commit, makes commit order = seq order.
    """
    claims = [(rid, account_id, kind) for rid, kind in fresh.items()]
    if not is_pg(conn):
        await bulk(conn, "record", _RECORD_COLUMNS, claims, _RECORD_CONFLICT)
        (row,) = await fetch(conn, _BUMP, (account_id,))
        seq = int(row[0])
        await execute_many(conn, _LOG, [(*r[:8], seq, r[8]) for r in rows])
        return Logged(seq, set(), set())
    claim_columns = [list(values) for values in zip(*claims, strict=True)] or [[], [], []]
    columns = [list(values) for values in zip(*rows, strict=True)]
    ((seq, claimed, logged),) = await fetch(
        conn, _CLAIM_BUMP_AND_LOG, (*claim_columns, account_id, *columns, list(fresh))
    )
    return Logged(int(seq), set(fresh) - set(claimed), {row[0] for row in rows} - set(logged))


_BUMP = "UPDATE sync_counter SET seq = seq + 1 WHERE account_id = ? RETURNING seq"
_LOG = (
    f"INSERT INTO op_log ({', '.join(c.name for c in _OP_COLUMNS)}) "  # noqa: S608
    f"VALUES ({', '.join('?' for _ in _OP_COLUMNS)}) ON CONFLICT (op_id) DO NOTHING"
)
_LOGGED = [c for c in _OP_COLUMNS if c.name != "seq"]
_CLAIM_BUMP_AND_LOG = (
    "WITH claimed AS (INSERT INTO record (record_id, account_id, record_type) "  # noqa: S608
    f"SELECT * FROM unnest(?::text[], ?::bigint[], ?::text[]) {_RECORD_CONFLICT} "
    f"RETURNING record_id), bumped AS ({_BUMP}), logged AS (INSERT INTO op_log "
    f"({', '.join(c.name for c in _LOGGED)}, seq) SELECT u.*, bumped.seq FROM "
    f"unnest({', '.join(f'?::{c.pg_type}[]' for c in _LOGGED)}) "
    f"AS u({', '.join(c.name for c in _LOGGED)}) CROSS JOIN bumped "
    "WHERE u.record_id <> ALL(?::text[]) OR u.record_id IN (SELECT record_id FROM claimed) "
    "ON CONFLICT (op_id) DO NOTHING RETURNING op_id) "
    "SELECT (SELECT seq FROM bumped), ARRAY(SELECT record_id FROM claimed), "
    "ARRAY(SELECT op_id FROM logged)"
)


async def upsert_fields(conn: Connection, rows: Sequence[FieldRow]) -> None:
    """Write merged winners; the merge rule in the statement keeps a newer stored value."""
    await bulk(conn, "field_state", _FIELD_COLUMNS, rows, _FIELD_CONFLICT)


async def owned_count(conn: Connection, account_id: int, record_ids: Sequence[str]) -> int:
    """How many of ``record_ids`` are the account's records."""
    count = 0
    for start in range(0, len(record_ids), 5000):
        sql = "SELECT count(*) FROM record WHERE account_id = ? AND record_id {ids}"
        part = record_ids[start : start + 5000]
        ((found,),) = await fetch(conn, sql, (account_id, ids(conn, part)))
        count += int(found)
    return count


async def owners(conn: Connection, record_ids: Sequence[str]) -> dict[str, tuple[int, str]]:
    """(owner, record type) of each known id among ``record_ids``."""
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(record_ids), 5000):
        found.update(await _load_records(conn, record_ids[start : start + 5000]))
    return found


async def write_sets(
    conn: Connection,
    account_id: int,
    seq: int,
    upserts: Sequence[dict[str, Any]],
    deletes: Sequence[str],
) -> None:
    rows = [
        (row["set_id"], account_id, *[row[name] for name in _SET_FIELDS], seq) for row in upserts
    ]
    await bulk(conn, "logged_set", SET_COLUMNS, rows, _SET_CONFLICT)
    if deletes:
        sql = "DELETE FROM logged_set WHERE +account_id = ? AND set_id {ids}"
        await run(conn, sql, (account_id, ids(conn, deletes)))
