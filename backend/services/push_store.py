"""SQL shared by everything that queues push messages: an account's quiet hours and
subscriptions, and the insert into the outbox (``push_send``).

A message is one ``push_send`` row per (record, fire_at, subscription): inserting it twice (two
dispatchers expanding one reminder, a retried transaction) leaves one row.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from sqlalchemy.ext.asyncio import AsyncConnection

from backend.domain.notification import Notification, encode_notification
from backend.domain.schedule import QuietHours
from backend.push.sender import topic_for
from backend.services.sql import bigint, bulk, fetch, ids, text

PENDING = "pending"


class AccountQuiet(NamedTuple):
    time_zone: str  # the account's zone: alert pushes wait out quiet hours on its clock
    quiet: QuietHours | None


class SubscriptionRow(NamedTuple):
    id: int
    account_id: int
    endpoint: str
    p256dh: str
    auth: str
    key_id: str


class Message(NamedTuple):
    """What to send to every subscription of an account, and when."""

    record_id: str  # the reminder or alert record
    fire_at_ms: int
    kind: str  # reminder | alert
    notification: Notification
    deliver_at_ms: int
    expires_at_ms: int  # not worth sending after this


_SEND_COLUMNS = [
    *text("record_id"),
    *bigint("fire_at_ms", "subscription_id", "account_id"),
    *text("kind", "payload", "topic", "state"),
    *bigint("attempts", "next_attempt_ms", "expires_at_ms", "lease_until_ms"),
    *bigint("created_at_ms", "updated_at_ms"),
]
_SUBSCRIPTION = "SELECT id, account_id, endpoint, p256dh, auth, key_id FROM push_subscription"


async def account_quiet(conn: AsyncConnection, account_id: int) -> AccountQuiet:
    sql = "SELECT time_zone, quiet_start, quiet_end FROM account WHERE id = ?"
    (row,) = await fetch(conn, sql, (account_id,))
    zone, start, end = row
    return AccountQuiet(zone, None if start is None else QuietHours(start=start, end=end))


async def subscriptions_of(
    conn: AsyncConnection, account_id: int, now_ms: int
) -> list[SubscriptionRow]:
    """The account's subscriptions the browser has not declared expired."""
    sql = f"{_SUBSCRIPTION} WHERE account_id = ? AND (expires_at_ms IS NULL OR expires_at_ms > ?)"
    rows = await fetch(conn, sql + " ORDER BY id", (account_id, now_ms))
    return [SubscriptionRow(*row) for row in rows]


async def subscriptions_by_id(
    conn: AsyncConnection, subscription_ids: Sequence[int]
) -> dict[int, SubscriptionRow]:
    if not subscription_ids:
        return {}
    sql = f"{_SUBSCRIPTION} WHERE id {{int_ids}}"
    rows = await fetch(conn, sql, (ids(conn, sorted(set(subscription_ids))),))
    return {row[0]: SubscriptionRow(*row) for row in rows}


async def queue(
    conn: AsyncConnection,
    account_id: int,
    messages: Sequence[Message],
    subscriptions: Sequence[SubscriptionRow],
    now_ms: int,
) -> None:
    """One pending ``push_send`` row per message and subscription (kept if already queued)."""
    rows = []
    for message in messages:
        payload = encode_notification(message.notification).decode()
        # One topic per record: a re-sent message, or a newer fire of the same reminder,
        # replaces a copy the push service still holds for an offline device (RFC 8030 §5.4).
        topic = topic_for(message.record_id)
        rows += [
            (message.record_id, message.fire_at_ms, sub.id, account_id, message.kind, payload,
             topic, PENDING, 0, message.deliver_at_ms, message.expires_at_ms, 0, now_ms, now_ms)
            for sub in subscriptions
        ]  # fmt: skip
    on_conflict = "ON CONFLICT (record_id, fire_at_ms, subscription_id) DO NOTHING"
    await bulk(conn, "push_send", _SEND_COLUMNS, rows, on_conflict)
