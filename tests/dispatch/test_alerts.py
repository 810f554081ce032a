"""Imbalance alerts are pushed once, when the server creates them, outside quiet hours."""

from __future__ import annotations

import msgspec

from backend.domain.notification import Notification
from backend.push.sender import topic_for
from backend.services.container import Services
from backend.services.dispatch import Dispatcher
from tests.dispatch.conftest import HOUR, rows
from tests.domain.histories import at, steady
from tests.support.fakes import FakeClock
from tests.support.lifters import Lifter
from tests.support.push_receiver import PushReceiver

ROW = "single-arm-db-row"
FRIDAY_WEEK_4 = at(25, 60)  # 19:00 UTC, an hour after the fourth week's last session


async def lopsided_month(lifter: Lifter, clock: FakeClock) -> None:
    """Four weeks of rows at 50 kg left, 38 kg right: an LSI and a volume alert."""
    clock.now = FRIDAY_WEEK_4
    ops = []
    for s in steady(50, 38, ex=ROW):
        record = lifter.new_id()
        fields = msgspec.to_builtins(s)
        ops += [lifter.op("set", record, name, value) for name, value in fields.items()]
    await lifter.push(ops)


async def test_a_new_alert_is_pushed_once_to_every_subscription(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    phone, tablet = receiver.subscribe(), receiver.subscribe()
    await lifter.subscribe(phone)
    await lifter.subscribe(tablet)
    await lopsided_month(lifter, clock)
    assert await services.insight.evaluate(lifter.account_id) == 18  # 2 alerts × 9 fields
    await dispatcher.drain()
    assert receiver.errors() == []
    alerts = await rows(
        services, "SELECT record_id FROM record WHERE record_type = 'alert' ORDER BY record_id"
    )
    stored = await rows(
        services, "SELECT value FROM field_state WHERE record_type = 'alert' AND field = 'message'"
    )
    messages_of_alerts = sorted(msgspec.json.decode(m["value"]) for m in stored)
    for sub in (phone, tablet):
        messages = receiver.inbox(sub)
        shown = [msgspec.json.decode(m.plaintext or b"", type=Notification) for m in messages]
        assert sorted(n.title for n in shown) == [
            "Left/right imbalance — Single-arm dumbbell row",
            "Volume imbalance — Single-arm dumbbell row",
        ]
        assert {n.url for n in shown} == {f"/#/charts/{ROW}"}
        assert sorted(n.tag for n in shown) == sorted(f"alert-{a['record_id']}" for a in alerts)
        assert sorted(n.body for n in shown) == messages_of_alerts
        assert sorted(m.headers["topic"] for m in messages) == sorted(
            topic_for(a["record_id"]) for a in alerts
        )
        assert {(m.headers["ttl"], m.headers["urgency"]) for m in messages} == {("172800", "low")}

    # Judging the same history again writes nothing and pushes nothing.
    clock.now += HOUR
    assert await services.insight.evaluate(lifter.account_id) == 0
    await dispatcher.drain()
    assert receiver.raw_posts() == 4


async def test_an_alert_raised_in_quiet_hours_waits_for_their_end(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    await lifter.subscribe(receiver.subscribe())
    await services.quiet_hours.set(lifter.account_id, "18:30", "07:00")  # the account's zone: UTC
    await lopsided_month(lifter, clock)
    await services.insight.evaluate(lifter.account_id)
    await dispatcher.drain()
    assert receiver.raw_posts() == 0
    morning = at(25, 13 * 60)  # Saturday 07:00 UTC
    sends = await rows(services, "SELECT next_attempt_ms FROM push_send")
    assert [s["next_attempt_ms"] for s in sends] == [morning, morning]
    clock.now = morning
    await dispatcher.drain()
    assert len(receiver.inbox()) == 2
