"""The dispatcher's SQL: claiming due reminders and due messages, and recording what happened.

On PostgreSQL every claim takes its rows with ``FOR UPDATE SKIP LOCKED``, so dispatchers on
several hosts each get rows no other holds, without waiting for one another. On SQLite the one
writer connection already serialises the one in-process dispatcher with everything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.services.reminder_schedule import Timing
from backend.services.sql import execute, fetch, is_pg, render


class DueReminder(NamedTuple):
    reminder_id: str
    account_id: int
    timing: Timing
    fire_at_ms: int


class ClaimedSend(NamedTuple):
    record_id: str
    fire_at_ms: int
    subscription_id: int
    account_id: int
    kind: str
    payload: str
    topic: str
    attempts: int
    expires_at_ms: int


class Result(NamedTuple):
    """What became of one claimed message."""

    send: ClaimedSend
    state: str  # pending (to retry) | sent | gone | refused | stale_key | expired | cancelled
    reason: str
    status: int | None
    next_attempt_ms: int
    attempted: bool  # a request went out (or was tried)


def _locked(conn: AsyncConnection) -> str:
    return " FOR UPDATE SKIP LOCKED" if is_pg(conn) else ""


async def claim_due_reminders(conn: AsyncConnection, now_ms: int, limit: int) -> list[DueReminder]:
    """Reminders due by ``now_ms``, earliest first, locked until this transaction ends."""
    sql = (
        "SELECT reminder_id, account_id, weekdays, local_time, tz, limb, exercises, fire_at_ms "
        "FROM reminder_schedule WHERE fire_at_ms <= ? ORDER BY fire_at_ms LIMIT ?"
    ) + _locked(conn)
    rows = await fetch(conn, sql, (now_ms, limit))
    return [DueReminder(r[0], r[1], Timing(*r[2:7]), r[7]) for r in rows]


async def advance(
    conn: AsyncConnection, moves: Sequence[tuple[int, str]], drops: Sequence[str]
) -> None:
    """Move fired reminders to their next instant (``(fire_at_ms, reminder_id)``) or drop them."""
    if moves:
        sql = "UPDATE reminder_schedule SET fire_at_ms = ? WHERE reminder_id = ?"
        await conn.exec_driver_sql(render(sql, is_pg(conn)), list(moves))
    if drops:
        sql = "DELETE FROM reminder_schedule WHERE reminder_id = ?"
        await conn.exec_driver_sql(render(sql, is_pg(conn)), [(rid,) for rid in drops])


_CLAIM_SENDS = (
    "UPDATE push_send SET lease_until_ms = ?, lease_token = ? "
    "WHERE (record_id, fire_at_ms, subscription_id) IN ("
    "SELECT record_id, fire_at_ms, subscription_id FROM push_send "
    "WHERE state = 'pending' AND next_attempt_ms <= ? AND lease_until_ms <= ? "
    "ORDER BY next_attempt_ms LIMIT ?{lock}) "
    "RETURNING record_id, fire_at_ms, subscription_id, account_id, kind, payload, topic, "
    "attempts, expires_at_ms"
)


async def claim_sends(
    conn: AsyncConnection, now_ms: int, lease_until_ms: int, token: str, limit: int
) -> list[ClaimedSend]:
    """Lease up to ``limit`` due messages no live lease holds; ``token`` marks this claim."""
    sql = _CLAIM_SENDS.replace("{lock}", _locked(conn))
    rows = await fetch(conn, sql, (lease_until_ms, token, now_ms, now_ms, limit))
    return [ClaimedSend(*row) for row in rows]


async def has_due_work(conn: AsyncConnection, now_ms: int) -> bool:
    """Cheap read first, so an idle dispatcher does not take SQLite's writer every poll."""
    sql = (
        "SELECT 1 FROM (SELECT 1 FROM reminder_schedule WHERE fire_at_ms <= ? UNION ALL "
        "SELECT 1 FROM push_send WHERE state = 'pending' AND next_attempt_ms <= ? "
        "AND lease_until_ms <= ?) due LIMIT 1"
    )
    return bool(await fetch(conn, sql, (now_ms,) * 3))


_RECORD = (
    "UPDATE push_send SET state = ?, reason = ?, status = ?, attempts = attempts + ?, "
    "next_attempt_ms = ?, lease_until_ms = 0, lease_token = NULL, updated_at_ms = ? "
    "WHERE record_id = ? AND fire_at_ms = ? AND subscription_id = ? AND lease_token = ?"
)


async def record(conn: AsyncConnection, results: Sequence[Result], token: str, now_ms: int) -> None:
    """Store outcomes (only while this claim still holds its rows), note each subscription's
    latest outcome, and delete subscriptions the push service says are gone."""
    pg = is_pg(conn)
    rows = [
        (r.state, r.reason, r.status, int(r.attempted), r.next_attempt_ms, now_ms,
         r.send.record_id, r.send.fire_at_ms, r.send.subscription_id, token)
        for r in results
    ]  # fmt: skip
    await conn.exec_driver_sql(render(_RECORD, pg), rows)
    latest = {r.send.subscription_id: r.reason for r in results if r.state != "cancelled"}
    gone = sorted({r.send.subscription_id for r in results if r.state == "gone"})
    # Rows are locked in id order, so concurrent dispatchers never wait on each other in a cycle.
    notes = [(reason, now_ms, sid) for sid, reason in sorted(latest.items()) if sid not in gone]
    if notes:
        sql = "UPDATE push_subscription SET last_outcome = ?, last_outcome_at_ms = ? WHERE id = ?"
        await conn.exec_driver_sql(render(sql, pg), notes)
    for sid in gone:
        await execute(conn, "DELETE FROM push_subscription WHERE id = ?", (sid,))


async def release(conn: AsyncConnection, sends: Sequence[ClaimedSend], token: str) -> None:
    """Give back claimed messages this dispatcher will not send (it is stopping)."""
    sql = (
        "UPDATE push_send SET lease_until_ms = 0, lease_token = NULL "
        "WHERE record_id = ? AND fire_at_ms = ? AND subscription_id = ? AND lease_token = ?"
    )
    rows = [(s.record_id, s.fire_at_ms, s.subscription_id, token) for s in sends]
    await conn.exec_driver_sql(render(sql, is_pg(conn)), rows)
