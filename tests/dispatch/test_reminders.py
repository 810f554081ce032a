"""Reminders from the synced record to the push service: when they fire, what they say, and
when they stay silent. The push service is the in-test receiver: it verifies every VAPID token
and decrypts every message with the subscription's keys."""

from __future__ import annotations

import msgspec

from backend.domain.notification import Notification, encode_notification
from backend.push.sender import topic_for
from backend.services.container import Services
from backend.services.dispatch import Dispatcher
from tests.dispatch.conftest import DAY, MINUTE, SEVEN, rows, utc_ms
from tests.support.fakes import FakeClock
from tests.support.lifters import Lifter
from tests.support.push_receiver import PushReceiver


def shown(receiver: PushReceiver) -> list[Notification]:
    """What the devices would show, from the decrypted payloads."""
    assert receiver.errors() == []
    return [msgspec.json.decode(m.plaintext or b"", type=Notification) for m in receiver.inbox()]


async def test_a_reminder_fires_at_its_local_time_and_then_tomorrow(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    phone, tablet = receiver.subscribe(), receiver.subscribe()
    await lifter.subscribe(phone)
    await lifter.subscribe(tablet)
    reminder = await lifter.reminder()
    [schedule] = await rows(services, "SELECT * FROM reminder_schedule")
    assert (schedule["reminder_id"], schedule["fire_at_ms"]) == (reminder, SEVEN)

    clock.now = SEVEN - 1
    await dispatcher.drain()
    assert receiver.raw_posts() == 0

    clock.now = SEVEN
    await dispatcher.drain()
    expected = Notification(
        title="Left leg day",
        body="Single-leg press",
        tag="reminder-left_leg",
        url="/#/log?exercise=single-leg-press&side=left",
    )
    assert shown(receiver) == [expected, expected]
    for sub in (phone, tablet):
        [message] = receiver.messages(sub)
        assert message.plaintext == encode_notification(expected)
        assert message.headers["topic"] == topic_for(reminder)
        assert message.headers["ttl"] == "14400"
    sends = await rows(services, "SELECT * FROM push_send ORDER BY subscription_id")
    assert [(s["record_id"], s["fire_at_ms"], s["state"], s["attempts"]) for s in sends] == [
        (reminder, SEVEN, "sent", 1),
        (reminder, SEVEN, "sent", 1),
    ]
    [schedule] = await rows(services, "SELECT fire_at_ms FROM reminder_schedule")
    assert schedule["fire_at_ms"] == SEVEN + DAY

    clock.now = SEVEN + DAY - MINUTE
    await dispatcher.drain()
    assert receiver.raw_posts() == 2


async def test_no_reminder_for_a_limb_already_trained_that_local_day(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    await lifter.subscribe(receiver.subscribe())
    await lifter.reminder()
    # Monday 00:30 in Berlin is still Sunday in UTC: the day is the reminder's, not UTC's.
    await lifter.set("single-leg-curl", "left", utc_ms(2026, 1, 4, 23, 30))
    # Neither the other leg nor an arm on the same side counts as training the left leg.
    await lifter.set("single-leg-press", "right", SEVEN - 30 * MINUTE)
    await lifter.set("single-arm-db-row", "left", SEVEN - 30 * MINUTE)
    clock.now = SEVEN
    await dispatcher.drain()
    assert receiver.raw_posts() == 0
    [schedule] = await rows(services, "SELECT fire_at_ms FROM reminder_schedule")
    assert schedule["fire_at_ms"] == SEVEN + DAY

    # Monday 23:30 in Berlin counts for Monday, not for Tuesday's reminder.
    await lifter.set("single-leg-press", "left", utc_ms(2026, 1, 5, 22, 30))  # Mon 23:30 local
    clock.now = SEVEN + DAY
    await dispatcher.drain()
    assert [n.title for n in shown(receiver)] == ["Left leg day"]


async def test_cross_education_names_the_trained_limb_and_the_plan(
    dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock, receiver: PushReceiver
) -> None:
    await lifter.subscribe(receiver.subscribe())
    await lifter.write(
        "limb_status", lifter.new_id(), limb="left_leg", status="injured", since="2026-01-02"
    )
    await lifter.reminder(exercises="single-leg-press,single-leg-curl")
    # A set on the injured leg does not count: the reminder is for the free one.
    await lifter.set("single-leg-press", "left", SEVEN - 30 * MINUTE)
    clock.now = SEVEN
    await dispatcher.drain()
    assert shown(receiver) == [
        Notification(
            title="Right leg day",
            body="Single-leg press 3–5 × 6–10, slow eccentric\n"
            "Single-leg curl 3–5 × 6–10, slow eccentric",
            tag="reminder-right_leg",
            url="/#/log?exercise=single-leg-press&side=right",
        )
    ]
    await lifter.set("single-leg-curl", "right", SEVEN + 2 * 3_600_000)
    clock.now = SEVEN + DAY  # trained on Monday evening, so Tuesday fires again
    await dispatcher.drain()
    assert len(receiver.messages()) == 2


async def test_cross_education_without_exercises_uses_the_plans(
    dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock, receiver: PushReceiver
) -> None:
    await lifter.subscribe(receiver.subscribe())
    await lifter.write(
        "limb_status", lifter.new_id(), limb="right_arm", status="recovering", since="2026-01-01"
    )
    custom = await lifter.write("exercise", lifter.new_id(), name="Cable curl", limb="arm")
    for day in (1, 2):  # the exercise the user logs most comes first
        await lifter.set(custom, "left", utc_ms(2026, 1, day, 17, 0))
    await lifter.reminder(limb="right_arm", exercises="")
    clock.now = SEVEN
    await dispatcher.drain()
    [note] = shown(receiver)
    assert note.title == "Left arm day"
    assert note.body == "Cable curl 3–5 × 6–10, slow eccentric"
    assert note.url == f"/#/log?exercise={custom}&side=left"


async def test_edits_keep_a_due_reminder_and_disabling_removes_it(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    await lifter.subscribe(receiver.subscribe())
    reminder = await lifter.reminder()
    clock.now = SEVEN + MINUTE  # due, not yet dispatched, when the exercises change
    await lifter.write("reminder", reminder, exercises="single-leg-curl")
    await dispatcher.drain()
    assert [n.body for n in shown(receiver)] == ["Single-leg curl"]

    await lifter.write("reminder", reminder, local_time="18:30")  # counts from now
    [schedule] = await rows(services, "SELECT fire_at_ms FROM reminder_schedule")
    assert schedule["fire_at_ms"] == utc_ms(2026, 1, 5, 17, 30)

    await lifter.write("reminder", reminder, enabled=False)
    assert await rows(services, "SELECT * FROM reminder_schedule") == []
    await lifter.write("reminder", reminder, enabled=True)
    await lifter.write("reminder", reminder, _deleted=True)
    assert await rows(services, "SELECT * FROM reminder_schedule") == []
    # A reminder still missing its time has nothing to schedule.
    await lifter.write("reminder", lifter.new_id(), limb="right_leg", weekdays=1)
    assert await rows(services, "SELECT * FROM reminder_schedule") == []


async def test_quiet_hours_move_or_skip_reminders(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    await lifter.subscribe(receiver.subscribe())
    await lifter.reminder()  # 07:00
    await lifter.reminder(local_time="23:00", limb="right_arm", exercises="")
    await services.quiet_hours.set(lifter.account_id, "22:30", "07:30")
    schedules = await rows(services, "SELECT limb, fire_at_ms FROM reminder_schedule")
    # 07:00 moves to the end of the quiet hours; 23:00 would land the next morning: none.
    assert schedules == [{"limb": "left_leg", "fire_at_ms": SEVEN + 30 * MINUTE}]

    clock.now = SEVEN
    await dispatcher.drain()
    assert receiver.raw_posts() == 0
    clock.now = SEVEN + 30 * MINUTE
    await dispatcher.drain()
    assert [n.title for n in shown(receiver)] == ["Left leg day"]

    await services.quiet_hours.set(lifter.account_id, None, None)
    schedules = await rows(services, "SELECT limb, fire_at_ms FROM reminder_schedule")
    assert sorted((s["limb"], s["fire_at_ms"]) for s in schedules) == [
        ("left_leg", SEVEN + DAY),
        ("right_arm", utc_ms(2026, 1, 5, 22, 0)),
    ]


async def test_a_reminder_missed_for_longer_than_its_ttl_is_not_sent(
    services: Services, dispatcher: Dispatcher, lifter: Lifter, clock: FakeClock,
    receiver: PushReceiver,
) -> None:  # fmt: skip
    await lifter.subscribe(receiver.subscribe())
    await lifter.reminder()
    clock.now = SEVEN + 5 * 3_600_000  # no dispatcher ran all morning
    await dispatcher.drain()
    assert receiver.raw_posts() == 0
    [schedule] = await rows(services, "SELECT fire_at_ms FROM reminder_schedule")
    assert schedule["fire_at_ms"] == SEVEN + DAY
