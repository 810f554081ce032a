"""What the dispatcher does with each answer of the push service, with a crash between sending
and recording, and when it is told to stop."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from backend.db import push_sends
from backend.push.vapid import VapidKey
from backend.services.container import Services
from backend.services.dispatch import Dispatcher
from tests.dispatch.conftest import HOUR, SEVEN, rows
from tests.support.fakes import FakeClock
from tests.support.lifters import Lifter, new_lifter
from tests.support.push_receiver import BrowserSubscription, PushReceiver, Reply

SENDS = "SELECT state, reason, status, attempts, next_attempt_ms, lease_until_ms FROM push_send"


async def due_reminder(
    lifter: Lifter, receiver: PushReceiver, clock: FakeClock, *replies: Reply
) -> BrowserSubscription:
    """One subscription answering ``replies`` (then 201), and a reminder due now."""
    sub = receiver.subscribe()
    receiver.script(sub, *replies)
    await lifter.subscribe(sub)
    await lifter.reminder()
    clock.now = SEVEN
    return sub


@pytest.mark.parametrize("status", [404, 410])
async def test_a_gone_subscription_is_deleted(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver, status: int,
) -> None:  # fmt: skip
    await due_reminder(lifter, receiver, clock, Reply(status))
    await dispatcher.drain()
    [send] = await rows(services, SENDS)
    assert (send["state"], send["status"], send["attempts"]) == ("gone", status, 1)
    assert await rows(services, "SELECT * FROM push_subscription") == []


async def test_rate_limits_are_retried_when_the_service_says_and_never_delete(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    sub = await due_reminder(
        lifter, receiver, clock, Reply(429, {"Retry-After": "120"}), Reply(503), Reply(201)
    )
    await dispatcher.drain()
    [send] = await rows(services, SENDS)
    assert (send["state"], send["reason"], send["status"]) == ("pending", "rate_limited", 429)
    # Retry-After plus at most 10 % jitter, so a crowd of retries does not return at once.
    assert SEVEN + 120_000 <= send["next_attempt_ms"] <= SEVEN + 132_000
    assert send["lease_until_ms"] == 0

    clock.now = SEVEN + 119_000
    await dispatcher.drain()
    assert len(receiver.messages(sub)) == 1
    clock.now = send["next_attempt_ms"]
    await dispatcher.drain()
    [send] = await rows(services, SENDS)
    # 503 without Retry-After: the sender's backoff for a second failure, 60 s.
    assert (send["state"], send["reason"], send["attempts"]) == ("pending", "server_error", 2)
    assert clock.now + 60_000 <= send["next_attempt_ms"] <= clock.now + 66_000
    clock.now = send["next_attempt_ms"]
    await dispatcher.drain()
    [send] = await rows(services, SENDS)
    assert (send["state"], send["attempts"]) == ("sent", 3)
    assert [m.status for m in receiver.messages(sub)] == [429, 503, 201]
    assert len(receiver.inbox(sub)) == 1
    assert len(await rows(services, "SELECT * FROM push_subscription")) == 1


async def test_a_retry_past_the_reminders_usefulness_expires(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    await due_reminder(lifter, receiver, clock, Reply(429, {"Retry-After": str(5 * 3600)}))
    await dispatcher.drain()
    [send] = await rows(services, SENDS)
    assert (send["state"], send["reason"]) == ("expired", "rate_limited")


async def test_a_redirect_is_refused_and_not_followed(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    elsewhere = receiver.subscribe()
    await due_reminder(lifter, receiver, clock, Reply(308, {"Location": elsewhere.endpoint}))
    await dispatcher.drain()
    [send] = await rows(services, SENDS)
    assert (send["state"], send["reason"], send["status"]) == ("refused", "redirect", 308)
    assert receiver.messages(elsewhere) == []
    [sub] = await rows(services, "SELECT last_outcome FROM push_subscription")
    assert sub["last_outcome"] == "redirect"


async def test_a_subscription_made_with_another_key_is_not_sent_to(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    await due_reminder(lifter, receiver, clock)
    async with services.db.write() as conn:
        await conn.exec_driver_sql(
            f"UPDATE push_subscription SET key_id = '{VapidKey.generate().key_id}'"
        )
    await dispatcher.drain()
    assert receiver.raw_posts() == 0
    [send] = await rows(services, SENDS)
    assert (send["state"], send["reason"], send["attempts"]) == ("stale_key", "key_changed", 0)
    [sub] = await rows(services, "SELECT last_outcome FROM push_subscription")
    assert sub["last_outcome"] == "key_changed"


async def test_messages_for_a_subscription_that_moved_are_cancelled(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    sub = await due_reminder(lifter, receiver, clock)
    await dispatcher.expand()  # queued for the lifter's account ...
    clock.now += 1
    other = await new_lifter(services, clock)
    clock.now += 1
    await other.subscribe(sub)  # ... then another account signs in on that browser
    await dispatcher.drain()
    assert receiver.raw_posts() == 0
    [send] = await rows(services, SENDS)
    assert (send["state"], send["reason"]) == ("cancelled", "unsubscribed")


async def test_a_send_not_recorded_before_a_crash_is_sent_again_and_replaces_itself(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    sub = await due_reminder(lifter, receiver, clock)
    recorded = push_sends.record

    async def crash(*args: Any) -> None:
        raise ConnectionError("killed before the outcome was committed")

    monkeypatch.setattr(push_sends, "record", crash)
    with pytest.raises(ConnectionError):
        await dispatcher.drain()
    monkeypatch.setattr(push_sends, "record", recorded)
    [send] = await rows(services, SENDS)
    assert (send["state"], send["lease_until_ms"]) == ("pending", SEVEN + 60_000)

    await dispatcher.drain()  # the lease still holds it
    assert receiver.raw_posts() == 1
    clock.now = SEVEN + 60_000
    await dispatcher.drain()
    [send] = await rows(services, SENDS)
    assert (send["state"], send["attempts"]) == ("sent", 1)
    # Two POSTs with one topic: the push service keeps one, so the device gets one.
    assert receiver.raw_posts() == 2
    assert len(receiver.inbox(sub)) == 1


async def test_a_stopping_dispatcher_releases_what_it_has_not_sent(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    await due_reminder(lifter, receiver, clock)
    await dispatcher.expand()
    stop = asyncio.Event()
    stop.set()
    assert await dispatcher.deliver(stop) == 0
    [send] = await rows(services, SENDS)
    assert (send["state"], send["attempts"], send["lease_until_ms"]) == ("pending", 0, 0)
    assert receiver.raw_posts() == 0


async def test_no_send_starts_that_the_lease_might_not_outlast(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    await lifter.subscribe(receiver.subscribe())
    for limb in ("left_leg", "right_leg", "left_arm"):
        await lifter.reminder(limb=limb)
    clock.now = SEVEN
    await dispatcher.expand()
    dispatcher.concurrency = 1
    real_send = dispatcher.sender.send

    async def slow(*args: Any, **kwargs: Any) -> Any:
        outcome = await real_send(*args, **kwargs)
        clock.now += HOUR  # the first send took longer than the whole lease
        return outcome

    monkeypatch.setattr(dispatcher.sender, "send", slow)
    assert await dispatcher.deliver(asyncio.Event()) == 1
    states = sorted(s["state"] for s in await rows(services, SENDS))
    assert states == ["pending", "pending", "sent"]
    assert receiver.raw_posts() == 1
