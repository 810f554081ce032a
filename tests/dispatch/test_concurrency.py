"""Dispatchers working at once never send a message twice: each claims rows no other holds
(``FOR UPDATE SKIP LOCKED`` on PostgreSQL, where each has its own connections; on SQLite they
share the one writer, as in-process loops must)."""

from __future__ import annotations

import asyncio
from collections import Counter

from backend.app import build_dispatcher
from backend.db.engine import Database
from backend.services.container import Services
from backend.settings import Settings
from tests.dispatch.conftest import SEVEN, rows
from tests.support.fakes import FakeClock, SeededEntropy
from tests.support.lifters import new_lifter
from tests.support.push_receiver import PushReceiver

ACCOUNTS = 20
REMINDERS = 3  # per account, each to both of the account's subscriptions
DISPATCHERS = 3


async def test_three_dispatchers_send_each_message_once(
    settings: Settings, services: Services, clock: FakeClock, receiver: PushReceiver
) -> None:
    for _ in range(ACCOUNTS):
        lifter = await new_lifter(services, clock)
        await lifter.subscribe(receiver.subscribe())
        await lifter.subscribe(receiver.subscribe())
        for limb in ("left_leg", "right_leg", "left_arm")[:REMINDERS]:
            await lifter.reminder(limb=limb)
    clock.now = SEVEN
    key = services.subscriptions.key
    assert key is not None
    databases = [
        services.db if services.db.is_sqlite else Database(services.db.url, pool_size=2)
        for _ in range(DISPATCHERS)
    ]
    built = [
        build_dispatcher(settings, db, key, clock, SeededEntropy(n))
        for n, db in enumerate(databases)
    ]
    for dispatcher, _sender in built:
        dispatcher.batch = 8  # many small claims, so the dispatchers interleave
    try:
        await asyncio.gather(*(dispatcher.drain() for dispatcher, _ in built))
    finally:
        for _dispatcher, sender in built:
            sender.close()
        for db in databases:
            if db is not services.db:
                await db.dispose()
    expected = ACCOUNTS * REMINDERS * 2
    assert receiver.errors() == []
    per_key = Counter((m.subscription_id, m.headers["topic"]) for m in receiver.messages())
    assert len(per_key) == expected
    assert max(per_key.values()) == 1  # not one raw duplicate
    sends = await rows(services, "SELECT state FROM push_send")
    assert Counter(s["state"] for s in sends) == {"sent": expected}
