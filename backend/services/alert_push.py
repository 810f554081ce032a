"""Imbalance alerts as push messages: queued for every subscription of the account in the
transaction that creates the alert record, so an alert is pushed once or not at all.

Inside the account's quiet hours (on the account's clock) the message waits for their end;
after ``ALERT.ttl`` (two days) a message that could not be delivered is no longer worth sending:
the alert is in the app anyway.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from backend.db import account_settings, insight_store, push_subscriptions
from backend.db.connection import Connection
from backend.domain.alert_notification import alert_notification
from backend.domain.schedule import after_quiet
from backend.push.sender import ALERT
from backend.services import push_store
from backend.services.push_store import Message
from sync.canon import Scalar


async def enqueue(
    conn: Connection,
    account_id: int,
    alerts: Sequence[tuple[str, Mapping[str, Scalar]]],
    now_ms: int,
) -> None:
    """Queue a push for each new alert (record id, fields)."""
    subscriptions = await push_subscriptions.subscriptions_of(conn, account_id, now_ms)
    if not alerts or not subscriptions:
        return
    zone, quiet = await account_settings.quiet_of(conn, account_id)
    now = datetime.fromtimestamp(now_ms / 1000, UTC)
    deliver_at = int(after_quiet(now, quiet, zone).timestamp() * 1000)
    exercises = sorted({str(fields["exercise"]) for _rid, fields in alerts})
    names = await insight_store.exercise_names(conn, account_id, exercises)
    messages = []
    for record_id, fields in alerts:
        exercise = str(fields["exercise"])
        note = alert_notification(
            record_id,
            str(fields["kind"]),
            exercise,
            names.get(exercise, "your exercise"),
            str(fields["message"]),
        )
        expires = deliver_at + ALERT.ttl * 1000
        messages.append(Message(record_id, now_ms, "alert", note, deliver_at, expires))
    await push_store.queue(conn, account_id, messages, subscriptions, now_ms)
