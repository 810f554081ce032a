"""An op id, and a record id, is one account's, even when two accounts' pushes carry it at the
same moment."""

from __future__ import annotations

import asyncio

from backend.db import sync_store
from backend.db.sync_store import OpLogRow
from backend.services.container import Services
from sync.canon import canon
from sync.hlc import Hlc
from tests.support.model import op_log_ids, server_state
from tests.sync_server.conftest import NOW, T0, Replica, new_account, new_id


def note_row(replica: Replica, op_id: str, record_id: str) -> OpLogRow:
    """The op log row of ``replica`` setting a set's note to "theirs"."""
    hlc = Hlc(T0, 0, replica.device_id).encode()
    return (op_id, replica.account_id, replica.device_id, "set", record_id, "note",
            canon("theirs"), hlc, NOW)  # fmt: skip


async def test_an_op_id_logged_by_another_account_during_a_push_is_refused(
    services: Services,
) -> None:
    """Another account's push logs the id after this push looked it up and before it logs it
    (on PostgreSQL this push's insert waits for that commit): refused, nothing of it kept."""
    (mine,) = await new_account(services)
    (theirs,) = await new_account(services)
    op = mine.op(new_id(), "note", "mine", Hlc(T0, 0, mine.device_id))
    other_record = new_id()
    theirs_row = note_row(theirs, op.op_id, other_record)
    async with services.db.write() as conn:
        await sync_store.claim_and_log(conn, theirs.account_id, {other_record: "set"}, [theirs_row])
        pushing = asyncio.create_task(mine.push([op]))
        await asyncio.sleep(0.5)  # the push reaches its lookup (PostgreSQL) or the writer
        assert not pushing.done()
    response = await pushing

    assert [(r.status, r.reason) for r in response.results] == [("rejected", "op_id_conflict")]
    assert await server_state(services.db, mine.account_id) == {}
    assert await op_log_ids(services.db, mine.account_id) == []
    assert await op_log_ids(services.db, theirs.account_id) == [op.op_id]


async def test_a_record_id_claimed_by_another_account_during_a_push_is_refused(
    services: Services,
) -> None:
    """Another account's push claims a record id after this push looked it up and before it
    claims it (on PostgreSQL this push's claim waits for that commit): the ops on that record
    are refused as another's, nothing of them kept; the batch's other ops are applied."""
    (mine,) = await new_account(services)
    (theirs,) = await new_account(services)
    contested, own = new_id(), new_id()
    hlc = Hlc(T0, 0, mine.device_id)
    ops = [mine.op(contested, "note", "mine", hlc), mine.op(own, "note", "kept", hlc)]
    theirs_row = note_row(theirs, new_id(), contested)
    async with services.db.write() as conn:
        await sync_store.claim_and_log(conn, theirs.account_id, {contested: "set"}, [theirs_row])
        pushing = asyncio.create_task(mine.push(ops))
        await asyncio.sleep(0.5)  # the push reaches its claim (PostgreSQL) or the writer
        assert not pushing.done()
    response = await pushing

    assert [(r.status, r.reason) for r in response.results] == [
        ("rejected", "foreign_record"),
        ("applied", None),
    ]
    assert await server_state(services.db, mine.account_id) == {
        (own, "note"): (hlc.encode(), canon("kept"))
    }
    assert await op_log_ids(services.db, mine.account_id) == [ops[1].op_id]
    assert await op_log_ids(services.db, theirs.account_id) == [theirs_row[0]]
