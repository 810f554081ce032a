"""Queueing push messages: one ``push_send`` row per message and subscription of the account,
with the notification encoded and its topic (``backend.db.push_sends`` keeps one row however
often the same message is queued)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from backend.db import push_sends
from backend.db.connection import Connection
from backend.db.push_sends import NewSend
from backend.db.push_subscriptions import SubscriptionRow
from backend.domain.notification import Notification, encode_notification
from backend.push.sender import topic_for


class Message(NamedTuple):
    """What to send to every subscription of an account, and when."""

    record_id: str  # the reminder or alert record
    fire_at_ms: int
    kind: str  # reminder | alert
    notification: Notification
    deliver_at_ms: int
    expires_at_ms: int  # not worth sending after this


async def queue(
    conn: Connection,
    account_id: int,
    messages: Sequence[Message],
    subscriptions: Sequence[SubscriptionRow],
    now_ms: int,
) -> None:
    """One pending ``push_send`` row per message and subscription (kept if already queued)."""
    sends = []
    for message in messages:
        payload = encode_notification(message.notification).decode()
        # One topic per record: a re-sent message, or a newer fire of the same reminder,
        # replaces a copy the push service still holds for an offline device (RFC 8030 §5.4).
        topic = topic_for(message.record_id)
        sends += [
            NewSend(message.record_id, message.fire_at_ms, sub.id, account_id, message.kind,
                    payload, topic, message.deliver_at_ms, message.expires_at_ms)
            for sub in subscriptions
        ]  # fmt: skip
    await push_sends.queue(conn, sends, now_ms)
