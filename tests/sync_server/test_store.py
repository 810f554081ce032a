"""The merge rule inside the SQL upsert itself (the guard that holds even if two writers race),
and the byte order of the stored text on both engines."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from backend.db import sync_store
from backend.services.changes import field_rows
from backend.services.container import Services
from backend.services.sync_checks import CheckedOp
from sync.canon import canon
from sync.hlc import Hlc
from sync.merge import merge_all
from sync.wire import Op
from tests.support.model import model_state, op_log_ids, server_state
from tests.sync_server.conftest import T0, new_account, new_id

# Strings whose byte order differs from common locale collations (case, accents, astral).
TRICKY = ["a", "B", "b", "É", "é", "ē", "😀", "\ue000", "", " ", "Z", "~"]


def checked(op: Op) -> CheckedOp:
    return CheckedOp(0, op, op.value, canon(op.value), Hlc.parse(op.hlc))  # type: ignore[arg-type]


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    writes=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 1), st.sampled_from(TRICKY)),
        min_size=1,
        max_size=12,
    )
)
async def test_upsert_applies_the_merge_rule_in_sql(
    services: Services, writes: list[tuple[int, int, str]]
) -> None:
    """Every op is upserted one by one with no pre-check: only the SQL guard decides."""
    (device,) = await new_account(services)
    record = new_id()
    ops = [
        Op(
            new_id(),
            "set",
            record,
            "note",
            note,
            Hlc(T0 + wall, counter, device.device_id).encode(),
        )
        for wall, counter, note in writes
    ]
    for seq, op in enumerate(ops, start=1):
        async with services.db.write() as conn:
            await sync_store.upsert_fields(conn, field_rows(device.account_id, seq, [checked(op)]))
    assert await server_state(services.db, device.account_id) == model_state(merge_all(ops))


async def test_stored_values_and_hlcs_sort_bytewise(services: Services) -> None:
    """The columns the merge compares use byte order (``COLLATE "C"`` on PostgreSQL)."""
    (device,) = await new_account(services)
    ops = [
        Op(new_id(), "set", new_id(), "note", note, Hlc(T0, i, device.device_id).encode())
        for i, note in enumerate(TRICKY)
    ]
    async with services.db.write() as conn:
        await sync_store.upsert_fields(
            conn, field_rows(device.account_id, 1, [checked(op) for op in ops])
        )
    async with services.db.read() as conn:
        values = (await conn.execute(text("SELECT value FROM field_state ORDER BY value"))).all()
        hlcs = (await conn.execute(text("SELECT hlc FROM field_state ORDER BY hlc"))).all()
    assert [v for (v,) in values] == sorted((canon(n) for n in TRICKY), key=str.encode)
    assert [h for (h,) in hlcs] == sorted((op.hlc for op in ops), key=str.encode)


async def test_upsert_never_moves_a_row_to_another_account(services: Services) -> None:
    (owner,) = await new_account(services)
    (other,) = await new_account(services)
    record = new_id()
    first = Op(new_id(), "set", record, "reps", 5, Hlc(T0, 0, owner.device_id).encode())
    later = Op(new_id(), "set", record, "reps", 9, Hlc(T0 + 9, 0, other.device_id).encode())
    async with services.db.write() as conn:
        await sync_store.upsert_fields(conn, field_rows(owner.account_id, 1, [checked(first)]))
        await sync_store.upsert_fields(conn, field_rows(other.account_id, 2, [checked(later)]))
    assert await server_state(services.db, owner.account_id) == model_state(merge_all([first]))
    assert await server_state(services.db, other.account_id) == {}


async def test_a_new_record_id_takes_the_type_of_the_batchs_first_op_on_it(
    services: Services,
) -> None:
    """Two ops of one batch on a new id, of two record types: the first claims it, the other is
    refused as a type mismatch and neither logged nor merged."""
    (device,) = await new_account(services)
    record, hlc = new_id(), Hlc(T0, 0, device.device_id)
    ops = [
        device.op(record, "note", "a set", hlc),
        device.op(record, "name", "Row", hlc, record_type="exercise"),
    ]
    response = await device.push(ops)

    assert [(r.status, r.reason) for r in response.results] == [
        ("applied", None),
        ("rejected", "record_type_mismatch"),
    ]
    assert await server_state(services.db, device.account_id) == {
        (record, "note"): (hlc.encode(), canon("a set"))
    }
    assert await op_log_ids(services.db, device.account_id) == [ops[0].op_id]
