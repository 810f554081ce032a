"""``push_send``, the outbox: one row per (record, fire_at, subscription), so queueing a message
twice (two dispatchers expanding one reminder, a retried transaction) leaves one row.

On PostgreSQL every claim takes its rows with ``FOR UPDATE SKIP LOCKED``, so dispatchers on
several hosts each get rows no other holds, without waiting for one another. On SQLite the one
writer connection already serialises the one in-process dispatcher with everything else.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from backend.db import push_subscriptions
from backend.db.connection import Connection
from backend.db.driver import bigint, bulk, execute_many, fetch, is_pg, text

PENDING = "pending"


class NewSend(NamedTuple):
    record_id: str
    fire_at_ms: int
    subscription_id: int
    account_id: int
    kind: str  # reminder | alert
    payload: str
    topic: str
    next_attempt_ms: int
    expires_at_ms: int


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


_COLUMNS = [
    *text("record_id"),
    *bigint("fire_at_ms", "subscription_id", "account_id"),
    *text("kind", "payload", "topic", "state"),
    *bigint("attempts", "next_attempt_ms", "expires_at_ms", "lease_until_ms"),
    *bigint("created_at_ms", "updated_at_ms"),
]


async def queue(conn: Connection, sends: Sequence[NewSend], now_ms: int) -> None:
    """One pending row per send (kept if already queued)."""
    rows = [
        (s.record_id, s.fire_at_ms, s.subscription_id, s.account_id, s.kind, s.payload, s.topic,
         PENDING, 0, s.next_attempt_ms, s.expires_at_ms, 0, now_ms, now_ms)
        for s in sends
    ]  # fmt: skip
    on_conflict = "ON CONFLICT (record_id, fire_at_ms, subscription_id) DO NOTHING"
    await bulk(conn, "push_send", _COLUMNS, rows, on_conflict)


def locked(conn: Connection) -> str:
    """The claim clause: rows another dispatcher holds are skipped, not waited for."""
    return " FOR UPDATE SKIP LOCKED" if is_pg(conn) else ""


_CLAIM = (
    "UPDATE push_send SET lease_until_ms = ?, lease_token = ? "
    "WHERE (record_id, fire_at_ms, subscription_id) IN ("
    "SELECT record_id, fire_at_ms, subscription_id FROM push_send "
    "WHERE state = 'pending' AND next_attempt_ms <= ? AND lease_until_ms <= ? "
    "ORDER BY next_attempt_ms LIMIT ?{lock}) "
    "RETURNING record_id, fire_at_ms, subscription_id, account_id, kind, payload, topic, "
    "attempts, expires_at_ms"
)


async def claim(
    conn: Connection, now_ms: int, lease_until_ms: int, token: str, limit: int
) -> list[ClaimedSend]:
    """Lease up to ``limit`` due messages no live lease holds; ``token`` marks this claim."""
    sql = _CLAIM.replace("{lock}", locked(conn))
    rows = await fetch(conn, sql, (lease_until_ms, token, now_ms, now_ms, limit))
    return [ClaimedSend(*row) for row in rows]


async def has_due_work(conn: Connection, now_ms: int) -> bool:
    """A due message, or a due reminder to expand into messages: a cheap read first, so an idle
    dispatcher does not take SQLite's writer every poll."""
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


async def record(conn: Connection, results: Sequence[Result], token: str, now_ms: int) -> None:
    """Store outcomes (only while this claim still holds its rows), note each subscription's
    latest outcome, and delete subscriptions the push service says are gone."""
    rows = [
        (r.state, r.reason, r.status, int(r.attempted), r.next_attempt_ms, now_ms,
         r.send.record_id, r.send.fire_at_ms, r.send.subscription_id, token)
        for r in results
    ]  # fmt: skip
    await execute_many(conn, _RECORD, rows)
    latest = {r.send.subscription_id: r.reason for r in results if r.state != "cancelled"}
    gone = sorted({r.send.subscription_id for r in results if r.state == "gone"})
    notes = [(reason, now_ms, sid) for sid, reason in sorted(latest.items()) if sid not in gone]
    await push_subscriptions.note_outcomes(conn, notes)
    await push_subscriptions.delete(conn, gone)


async def release(conn: Connection, sends: Sequence[ClaimedSend], token: str) -> None:
    """Give back claimed messages this dispatcher will not send (it is stopping)."""
    sql = (
        "UPDATE push_send SET lease_until_ms = 0, lease_token = NULL "
        "WHERE record_id = ? AND fire_at_ms = ? AND subscription_id = ? AND lease_token = ?"
    )
    await execute_many(
        conn, sql, [(s.record_id, s.fire_at_ms, s.subscription_id, token) for s in sends]
    )
