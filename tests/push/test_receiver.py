"""The in-test push service refuses what a real one would: it can fail the sender's tests."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
import requests
from pywebpush import WebPusher

from backend.push.vapid import VapidKey
from tests.push.conftest import SUBJECT
from tests.support.push_receiver import BrowserSubscription, PushReceiver

Claims = dict[str, str | int]


def post(
    receiver: PushReceiver,
    sub: BrowserSubscription,
    key: VapidKey,
    claims: Claims,
    *,
    tamper: Callable[[str], str] = lambda header: header,
    body: bytes | None = None,
) -> requests.Response:
    info = {
        "endpoint": sub.endpoint,
        "keys": {"p256dh": sub.p256dh, "auth": sub.as_json()["keys"]["auth"]},
    }
    encrypted = WebPusher(info).encode(b"payload", "aes128gcm")["body"] if body is None else body
    headers = {"Authorization": tamper(key.authorization(claims)), "Content-Encoding": "aes128gcm"}
    return requests.post(sub.endpoint, data=encrypted, headers=headers, timeout=5)


def good_claims(receiver: PushReceiver) -> Claims:
    return {"aud": receiver.origin, "exp": int(time.time()) + 3600, "sub": SUBJECT}


def test_a_well_formed_message_is_accepted(receiver: PushReceiver, vapid_key: VapidKey) -> None:
    sub = receiver.subscribe()
    assert post(receiver, sub, vapid_key, good_claims(receiver)).status_code == 201
    [message] = receiver.messages(sub)
    assert (message.plaintext, message.error) == (b"payload", None)


def _other_key(header: str) -> str:
    return header.rsplit("k=", 1)[0] + "k=" + VapidKey.generate().public_key


def _flipped_signature(header: str) -> str:
    token, key = header.split(",k=")
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    return f"{flipped},k={key}"


@pytest.mark.parametrize(
    ("claims", "tamper", "error"),
    [
        ({}, _other_key, "vapid: bad signature"),
        ({}, _flipped_signature, "vapid: bad signature"),
        ({}, lambda h: h.replace("vapid ", "WebPush "), "vapid: missing"),
        ({"aud": "https://fcm.googleapis.com"}, None, "vapid: aud"),
        ({"exp": int(time.time()) - 60}, None, "vapid: exp"),
        ({"exp": int(time.time()) + 25 * 3600}, None, "vapid: exp"),
        ({"sub": "https://sidewise.test"}, None, None),
    ],
)
def test_tokens_that_a_push_service_would_refuse_get_403(
    receiver: PushReceiver,
    vapid_key: VapidKey,
    claims: Claims,
    tamper: Callable[[str], str] | None,
    error: str | None,
) -> None:
    sub = receiver.subscribe()
    response = post(
        receiver, sub, vapid_key, good_claims(receiver) | claims, tamper=tamper or (lambda h: h)
    )
    [message] = receiver.messages(sub)
    if error is None:
        assert (response.status_code, message.error) == (201, None)
    else:
        assert response.status_code == 403
        assert message.error is not None
        assert message.error.startswith(error)


def test_a_body_not_encrypted_for_the_subscription_gets_400(
    receiver: PushReceiver, vapid_key: VapidKey
) -> None:
    sub, other = receiver.subscribe(), receiver.subscribe()
    info = {"endpoint": other.endpoint, "keys": other.as_json()["keys"]}
    foreign = WebPusher(info).encode(b"payload", "aes128gcm")["body"]
    response = post(receiver, sub, vapid_key, good_claims(receiver), body=foreign)
    assert response.status_code == 400
    assert receiver.errors()[0].startswith("body: cannot decrypt")


def test_unknown_subscriptions_get_404(receiver: PushReceiver) -> None:
    response = requests.post(f"{receiver.origin}/push/nobody", data=b"x", timeout=5)
    assert response.status_code == 404


def test_a_topic_replaces_an_undelivered_message_and_raw_posts_still_count(
    receiver: PushReceiver, vapid_key: VapidKey
) -> None:
    sub = receiver.subscribe()

    def send(payload: bytes, topic: str | None) -> None:
        info = {"endpoint": sub.endpoint, "keys": sub.as_json()["keys"]}
        body = WebPusher(info).encode(payload, "aes128gcm")["body"]
        headers = {
            "Authorization": vapid_key.authorization(good_claims(receiver)),
            "Content-Encoding": "aes128gcm",
            **({"Topic": topic} if topic else {}),
        }
        assert requests.post(sub.endpoint, data=body, headers=headers, timeout=5).ok

    send(b"first", "t1")
    send(b"again", "t1")  # replaces the undelivered "first"
    send(b"other", "t2")
    send(b"plain", None)
    assert [m.plaintext for m in receiver.inbox(sub)] == [b"again", b"other", b"plain"]
    assert [m.plaintext for m in receiver.deliver(sub)] == [b"again", b"other", b"plain"]
    send(b"late copy", "t1")  # the device has the first copy already: nothing to replace
    assert [m.plaintext for m in receiver.inbox(sub)] == [b"late copy"]
    assert receiver.raw_posts() == 5
