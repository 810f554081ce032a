"""An op id, and a record id, is one account's, even when two accounts' pushes carry it at the
same moment."""

from __future__ import annotations

import asyncio

from backend.db import sync_store
from backend.services.container import Services
from sync.canon import canon
from sync.hlc import Hlc
from tests.support.model import op_log_ids, server_state
from tests.sync_server.conftest import NOW, T0, new_account, new_id


async def test_an_op_id_logged_by_another_account_during_a_push_is_refused(
    services: Services,
) -> None:
    """Another account's push logs the id after this push looked it up and before it logs it
    (on PostgreSQL this push's insert waits for that commit): refused, nothing of it kept."""
    (mine,) = await new_account(services)
    (theirs,) = await new_account(services)
    op = mine.op(new_id(), "note", "mine", Hlc(T0, 0, mine.device_id))
    other_record = new_id()
    theirs_row = (
        op.op_id,
        theirs.account_id,
        theirs.device_id,
        "set",
        other_record,
        "note",
        canon("theirs"),
        Hlc(T0, 0, theirs.device_id).encode(),
        NOW,
    )
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
    theirs_row = (
        new_id(),
        theirs.account_id,
        theirs.device_id,
        "set",
        contested,
        "note",
        canon("theirs"),
        Hlc(T0, 0, theirs.device_id).encode(),
        NOW,
    )
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
