"""The wrapped sender against the in-test push service: what arrives, and what each answer means."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from backend.domain.notification import MAX_PAYLOAD_BYTES as DOMAIN_MAX_PAYLOAD
from backend.push.guard import PushPolicy, Subscription, parse_endpoint
from backend.push.sender import (
    ALERT,
    MAX_PAYLOAD_BYTES,
    REMINDER,
    PushSender,
    backoff,
    topic_for,
)
from backend.push.vapid import VapidKey
from tests.push.conftest import LOOPBACK, SUBJECT
from tests.support.push_receiver import PushReceiver, Reply


async def test_every_message_decrypts_and_every_token_verifies(
    sender: PushSender, receiver: PushReceiver, vapid_key: VapidKey
) -> None:
    subs = [receiver.subscribe() for _ in range(3)]
    payloads = [b'{"title":"Left leg day"}', "é ✓ 🦵".encode(), b"x" * MAX_PAYLOAD_BYTES]
    for sub in subs:
        for payload in payloads:
            outcome = await sender.send(
                sub.subscription, payload, delivery=REMINDER, topic=topic_for("reminder-1")
            )
            assert (outcome.result, outcome.reason, outcome.status) == ("sent", "accepted", 201)
    assert receiver.errors() == []
    for sub in subs:
        messages = receiver.messages(sub)
        assert [m.plaintext for m in messages] == payloads
        for message in messages:
            assert message.claims is not None
            assert message.claims["aud"] == receiver.origin
            assert message.claims["sub"] == SUBJECT
            assert message.headers["authorization"].endswith(f"k={vapid_key.public_key}")
            assert message.headers["ttl"] == str(REMINDER.ttl) == "14400"
            assert message.headers["urgency"] == "normal"
            assert message.headers["topic"] == topic_for("reminder-1")


async def test_alerts_travel_with_their_own_ttl_and_urgency_and_no_topic(
    sender: PushSender, receiver: PushReceiver
) -> None:
    sub = receiver.subscribe()
    assert (await sender.send(sub.subscription, b"alert", delivery=ALERT)).result == "sent"
    [message] = receiver.messages(sub)
    assert (message.headers["ttl"], message.headers["urgency"]) == ("172800", "low")
    assert "topic" not in message.headers


@pytest.mark.parametrize("status", [404, 410])
async def test_expired_subscriptions_are_gone(
    sender: PushSender, receiver: PushReceiver, status: int
) -> None:
    sub = receiver.subscribe()
    receiver.script(sub, Reply(status))
    outcome = await sender.send(sub.subscription, b"hi", delivery=REMINDER)
    assert (outcome.result, outcome.status) == ("gone", status)


async def test_rate_limit_retries_after_the_delay_the_service_asked_for(
    sender: PushSender, receiver: PushReceiver
) -> None:
    sub = receiver.subscribe()
    when = formatdate(time.time() + 600, usegmt=True)
    receiver.script(sub, Reply(429, {"Retry-After": "120"}), Reply(429, {"Retry-After": when}))
    first = await sender.send(sub.subscription, b"hi", delivery=REMINDER)
    assert (first.result, first.reason, first.status, first.retry_after) == (
        "retry",
        "rate_limited",
        429,
        120.0,
    )
    second = await sender.send(sub.subscription, b"hi", delivery=REMINDER)
    assert second.result == "retry"
    assert second.retry_after is not None
    assert 590 <= second.retry_after <= 600


@pytest.mark.parametrize(("status", "retry_after"), [(500, None), (503, "soon"), (502, "-5")])
async def test_server_errors_retry_with_backoff_when_no_usable_retry_after(
    sender: PushSender, receiver: PushReceiver, status: int, retry_after: str | None
) -> None:
    sub = receiver.subscribe()
    receiver.script(sub, Reply(status, {"Retry-After": retry_after} if retry_after else {}))
    outcome = await sender.send(sub.subscription, b"hi", delivery=REMINDER, attempt=2)
    assert (outcome.result, outcome.reason, outcome.status) == ("retry", "server_error", status)
    assert outcome.retry_after == backoff(2) == 120.0


def test_backoff_doubles_up_to_an_hour() -> None:
    assert [backoff(n) for n in (0, 1, 2, 6, 7, 1000)] == [30, 60, 120, 1920, 3600, 3600]


async def test_a_redirect_is_an_outcome_never_followed(
    sender: PushSender, receiver: PushReceiver
) -> None:
    sub, elsewhere = receiver.subscribe(), receiver.subscribe()
    receiver.script(sub, Reply(307, {"Location": elsewhere.endpoint}))
    outcome = await sender.send(sub.subscription, b"hi", delivery=REMINDER)
    assert (outcome.result, outcome.reason, outcome.status) == ("refused", "redirect", 307)
    assert receiver.messages(elsewhere) == []


async def test_other_client_errors_are_refused(sender: PushSender, receiver: PushReceiver) -> None:
    sub = receiver.subscribe()
    receiver.script(sub, Reply(413))
    outcome = await sender.send(sub.subscription, b"hi", delivery=REMINDER)
    assert (outcome.result, outcome.reason, outcome.status) == ("refused", "rejected", 413)


async def test_a_slow_push_service_times_out_into_a_retry(
    vapid_key: VapidKey, receiver: PushReceiver
) -> None:
    impatient = PushSender(vapid_key, SUBJECT, LOOPBACK, timeout=0.3)
    sub = receiver.subscribe()
    receiver.script(sub, Reply(201, delay=3.0))
    started = time.monotonic()
    outcome = await impatient.send(sub.subscription, b"hi", delivery=REMINDER)
    impatient.close()
    assert (outcome.result, outcome.reason, outcome.retry_after) == ("retry", "timeout", 30.0)
    assert time.monotonic() - started < 2.5


async def test_a_closed_port_is_a_connection_retry(
    sender: PushSender, receiver: PushReceiver
) -> None:
    sub = receiver.subscribe()
    with PushReceiver() as gone_away:
        endpoint = gone_away.subscribe().endpoint
    dead = type(sub.subscription)(endpoint, sub.p256dh, sub.subscription.auth)
    outcome = await sender.send(dead, b"hi", delivery=REMINDER)
    assert (outcome.result, outcome.reason) == ("retry", "connection")


async def test_a_payload_over_3_kb_is_refused_before_any_network(
    sender: PushSender, receiver: PushReceiver
) -> None:
    sub = receiver.subscribe()
    outcome = await sender.send(sub.subscription, b"x" * 3073, delivery=REMINDER)
    assert (outcome.result, outcome.reason) == ("refused", "payload_too_large")
    assert receiver.messages() == []
    assert MAX_PAYLOAD_BYTES == DOMAIN_MAX_PAYLOAD == 3072


async def test_each_origin_gets_a_token_of_its_own(sender: PushSender) -> None:
    with PushReceiver() as first, PushReceiver() as second:
        for receiver in (first, second, first):
            sub = receiver.subscribe()
            assert (await sender.send(sub.subscription, b"hi", delivery=REMINDER)).result == "sent"
        assert first.errors() == second.errors() == []
        audiences = [m.claims["aud"] for r in (first, second) for m in r.messages() if m.claims]
    assert audiences == [first.origin, first.origin, second.origin]


async def test_a_token_is_reused_per_origin_until_an_hour_before_it_expires(
    vapid_key: VapidKey, receiver: PushReceiver
) -> None:
    skew = [0.0]
    sender = PushSender(vapid_key, SUBJECT, LOOPBACK, clock=lambda: time.time() + skew[0])
    sub = receiver.subscribe()
    for hours in (0, 10.9, 11.1):
        skew[0] = hours * 3600
        await sender.send(sub.subscription, b"hi", delivery=REMINDER)
    sender.close()
    first, reused, renewed = (m.headers["authorization"] for m in receiver.messages(sub))
    assert first == reused != renewed
    assert receiver.errors() == []


async def test_guard_refusals_at_send_time_reach_no_network(
    vapid_key: VapidKey, receiver: PushReceiver
) -> None:
    strict = PushSender(vapid_key, SUBJECT, PushPolicy(host_suffixes=("localhost",)))
    sub = receiver.subscribe()
    loopback = await strict.send(sub.subscription, b"hi", delivery=REMINDER)
    # Named like a push service, but the name resolves to loopback when the message goes out.
    renamed = type(sub.subscription)("https://localhost/push/x", sub.p256dh, sub.subscription.auth)
    resolved = await strict.send(renamed, b"hi", delivery=REMINDER)
    strict.close()
    assert (loopback.result, loopback.reason) == ("refused", "endpoint_not_https")
    assert (resolved.result, resolved.reason) == ("refused", "address_not_public")
    assert receiver.messages() == []


async def test_a_bad_topic_or_an_empty_payload_is_a_programming_error(
    sender: PushSender, receiver: PushReceiver
) -> None:
    sub = receiver.subscribe()
    with pytest.raises(ValueError, match="Topic"):
        await sender.send(sub.subscription, b"hi", delivery=REMINDER, topic="x" * 33)
    with pytest.raises(ValueError, match="payload"):
        await sender.send(sub.subscription, b"", delivery=REMINDER)
    assert len(topic_for("0190f5c8-6b1e-7b3a-9c1d-2e3f4a5b6c7d")) == 32


async def test_the_sender_posts_to_the_url_the_guard_rebuilt(
    sender: PushSender, receiver: PushReceiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The raw endpoint is never parsed again: the request goes to the guard's ``Target.url``."""
    sub = receiver.subscribe()
    loose = Subscription(
        sub.endpoint.replace("http://", "HTTP://"), sub.p256dh, sub.subscription.auth
    )
    posted: list[str] = []
    post = sender._session.post

    def spy(url: str, **kwargs: object) -> object:
        posted.append(url)
        return post(url, **kwargs)

    monkeypatch.setattr(sender._session, "post", spy)
    assert (await sender.send(loose, b"hi", delivery=REMINDER)).result == "sent"
    assert posted == [parse_endpoint(loose.endpoint).url] == [sub.endpoint]
    assert [m.plaintext for m in receiver.messages(sub)] == [b"hi"]
