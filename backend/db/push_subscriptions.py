"""``push_subscription``: browsers' push endpoints, the account each belongs to and the latest
outcome of sending to it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from backend.db.connection import Connection
from backend.db.driver import execute, execute_many, fetch, ids, is_pg


class SubscriptionRow(NamedTuple):
    id: int
    account_id: int
    endpoint: str
    p256dh: str
    auth: str
    key_id: str


class Held(NamedTuple):
    """Who holds an endpoint, with what keys, since when."""

    id: int
    account_id: int
    p256dh: str
    auth: str
    registered_at_ms: int


class Keys(NamedTuple):
    """What a registration stores besides the endpoint and account."""

    p256dh: str
    auth: str
    key_id: str
    device_id: str | None
    expires_at_ms: int | None


_SUBSCRIPTION = "SELECT id, account_id, endpoint, p256dh, auth, key_id FROM push_subscription"


async def subscriptions_of(conn: Connection, account_id: int, now_ms: int) -> list[SubscriptionRow]:
    """The account's subscriptions the browser has not declared expired."""
    sql = f"{_SUBSCRIPTION} WHERE account_id = ? AND (expires_at_ms IS NULL OR expires_at_ms > ?)"
    rows = await fetch(conn, sql + " ORDER BY id", (account_id, now_ms))
    return [SubscriptionRow(*row) for row in rows]


async def subscriptions_by_id(
    conn: Connection, subscription_ids: Sequence[int]
) -> dict[int, SubscriptionRow]:
    if not subscription_ids:
        return {}
    sql = f"{_SUBSCRIPTION} WHERE id {{int_ids}}"
    rows = await fetch(conn, sql, (ids(conn, sorted(set(subscription_ids))),))
    return {row[0]: SubscriptionRow(*row) for row in rows}


async def held(conn: Connection, endpoint: str) -> Held | None:
    """The subscription at ``endpoint``, locked until the transaction ends."""
    sql = (
        "SELECT id, account_id, p256dh, auth, registered_at_ms FROM push_subscription "
        "WHERE endpoint = ?"
    )
    rows = await fetch(conn, sql + (" FOR UPDATE" if is_pg(conn) else ""), (endpoint,))
    return Held(*rows[0]) if rows else None


async def insert(
    conn: Connection, account_id: int, endpoint: str, keys: Keys, now_ms: int
) -> int | None:
    """The new subscription's id; None if the endpoint is registered already."""
    sql = (
        "INSERT INTO push_subscription (account_id, endpoint, p256dh, auth, key_id, device_id, "
        "expires_at_ms, created_at_ms, registered_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (endpoint) DO NOTHING RETURNING id"
    )
    rows = await fetch(conn, sql, (account_id, endpoint, *keys, now_ms, now_ms))
    return int(rows[0][0]) if rows else None


async def renew(conn: Connection, subscription_id: int, keys: Keys, now_ms: int) -> None:
    sql = (
        "UPDATE push_subscription SET p256dh = ?, auth = ?, key_id = ?, "
        "device_id = COALESCE(?, device_id), expires_at_ms = ?, registered_at_ms = ? WHERE id = ?"
    )
    await execute(conn, sql, (*keys, now_ms, subscription_id))


async def count(conn: Connection, account_id: int) -> int:
    sql = "SELECT count(*) FROM push_subscription WHERE account_id = ?"
    ((held,),) = await fetch(conn, sql, (account_id,))
    return int(held)


async def delete(conn: Connection, subscription_ids: Sequence[int]) -> None:
    sql = "DELETE FROM push_subscription WHERE id = ?"
    await execute_many(conn, sql, [(sid,) for sid in subscription_ids])


async def delete_endpoint(conn: Connection, account_id: int, endpoints: tuple[str, str]) -> None:
    """Forget the account's own subscription at either spelling of an endpoint."""
    sql = "DELETE FROM push_subscription WHERE endpoint IN (?, ?) AND account_id = ?"
    await execute(conn, sql, (*endpoints, account_id))


async def forget_all(conn: Connection, account_id: int) -> None:
    await execute(conn, "DELETE FROM push_subscription WHERE account_id = ?", (account_id,))


async def note_outcomes(conn: Connection, notes: Sequence[tuple[str, int, int]]) -> None:
    """``(outcome, at_ms, subscription_id)`` rows; callers sort them by id, so concurrent
    dispatchers lock rows in one order and never wait on each other in a cycle."""
    sql = "UPDATE push_subscription SET last_outcome = ?, last_outcome_at_ms = ? WHERE id = ?"
    await execute_many(conn, sql, notes)
