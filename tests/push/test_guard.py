"""The endpoint guard: every refusal, with its stable reason, and what passes."""

from __future__ import annotations

import base64
import itertools
import socket
from urllib.parse import urlsplit

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from urllib3.util import parse_url

from backend.push.guard import (
    REASONS,
    PushPolicy,
    Refused,
    Subscription,
    Target,
    check_address,
    check_resolved,
    check_subscription,
    parse_endpoint,
)
from backend.push.transport import push_session
from backend.settings import Settings
from tests.support.endpoints import PARSER_DIFFERENTIALS
from tests.support.push_receiver import PushReceiver


def b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _point(secret: int) -> bytes:
    key = ec.derive_private_key(secret, ec.SECP256R1()).public_key()
    return key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )


# A fixed key whose standard base64 uses "+" or "/", so the standard-alphabet row below is
# refused for its alphabet on every run (a random key's encoding may have neither).
POINT = next(
    p for p in map(_point, itertools.count(1)) if {"+", "/"} & set(base64.b64encode(p).decode())
)
P256DH, AUTH = b64(POINT), b64(bytes(range(16)))
POLICY = PushPolicy.from_settings(Settings())
LOOPBACK = PushPolicy(POLICY.host_suffixes, allow_loopback=True)
FCM = "https://fcm.googleapis.com/fcm/send/abc:def"


@pytest.mark.parametrize(
    "endpoint",
    [
        FCM,
        "https://fcm.googleapis.com:443/wp/abc",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
        "https://web.push.apple.com/QGx3l4Yb",
        "https://FCM.googleapis.com/fcm/send/x",  # host names are case-insensitive
        "https://fcm.googleapis.com/" + "a" * 973,  # exactly 1,000 characters
    ],
)
def test_real_push_services_pass(endpoint: str) -> None:
    target = check_subscription(Subscription(endpoint, P256DH, AUTH), POLICY)
    assert target.port == 443
    assert target.origin == target.origin.lower()
    assert_parsers_agree(target)


def assert_parsers_agree(target: Target) -> None:
    """Every URL parser on the way reads the guard's host and port in the rebuilt URL, and the
    HTTP client sends it unchanged."""
    split = urlsplit(target.url)
    assert (split.hostname, split.port or 443) == (target.host, target.port)
    parsed = parse_url(target.url)
    assert (parsed.host, parsed.port or 443) == (target.host, target.port)
    assert requests.Request("POST", target.url).prepare().url == target.url
    assert parse_endpoint(target.url) == target  # the rebuilt form is a fixed point


@pytest.mark.parametrize(
    ("endpoint", "url"),
    [
        ("https://FCM.googleapis.com/fcm/send/x", "https://fcm.googleapis.com/fcm/send/x"),
        ("HTTPS://fcm.googleapis.com/x", "https://fcm.googleapis.com/x"),
        ("https://fcm.googleapis.com:443/wp/abc", "https://fcm.googleapis.com/wp/abc"),
        ("https://fcm.googleapis.com:0443/wp/abc", "https://fcm.googleapis.com/wp/abc"),
        ("https://fcm.googleapis.com", "https://fcm.googleapis.com/"),
        ("https://fcm.googleapis.com?a=%2F", "https://fcm.googleapis.com/?a=%2F"),
        (FCM, FCM),
    ],
)
def test_endpoints_are_stored_and_sent_as_rebuilt(endpoint: str, url: str) -> None:
    target = check_subscription(Subscription(endpoint, P256DH, AUTH), POLICY)
    assert (target.url, target.origin) == (url, "https://fcm.googleapis.com")
    assert_parsers_agree(target)


ENDPOINT_REFUSALS = [
    ("https://fcm.googleapis.com/" + "a" * 974, "endpoint_too_long"),
    ("https://fcm.googleapis.com/a b", "endpoint_malformed"),
    ("https://fcm.googleapis.com/\n", "endpoint_malformed"),
    ("https://fcm.googleapis.com/é", "endpoint_malformed"),
    ("https://fcm.googleapis.com:99999/x", "endpoint_malformed"),
    ("https://fcm.googleapis.com:https/x", "endpoint_malformed"),
    ("https://[fcm.googleapis.com/x", "endpoint_malformed"),
    ("fcm.googleapis.com/fcm/send/x", "endpoint_malformed"),
    ("ftp://fcm.googleapis.com/x", "endpoint_malformed"),
    ("https:///x", "endpoint_malformed"),
    ("http://fcm.googleapis.com/fcm/send/x", "endpoint_not_https"),
    ("https://user@fcm.googleapis.com/x", "endpoint_userinfo"),
    ("https://user:pw@fcm.googleapis.com/x", "endpoint_userinfo"),
    ("https://fcm.googleapis.com@evil.test/x", "endpoint_userinfo"),
    ("https://fcm.googleapis.com:8443/x", "endpoint_port"),
    ("https://fcm.googleapis.com:80/x", "endpoint_port"),
    ("https://evil.test/fcm.googleapis.com", "endpoint_host"),
    ("https://fcm.googleapis.com.evil.test/x", "endpoint_host"),
    ("https://evilfcm.googleapis.com/x", "endpoint_host"),  # exact entry: no subdomains
    ("https://a.fcm.googleapis.com/x", "endpoint_host"),
    ("https://push.services.mozilla.com/x", "endpoint_host"),  # dotted entry: subdomains only
    ("https://notify.windows.com.evil.test/x", "endpoint_host"),
    ("https://fcm.googleapis.com./x", "endpoint_host"),
    ("https://127.0.0.1/x", "endpoint_host"),
    ("https://[::1]/x", "endpoint_host"),
    ("http://127.0.0.1:8080/push/1", "endpoint_not_https"),  # loopback needs the test flag
    ("https://localhost/push/1", "endpoint_host"),
    *PARSER_DIFFERENTIALS,
]


@pytest.mark.parametrize(("endpoint", "reason"), ENDPOINT_REFUSALS)
def test_endpoint_refusals(endpoint: str, reason: str) -> None:
    with pytest.raises(Refused) as refused:
        check_subscription(Subscription(endpoint, P256DH, AUTH), POLICY)
    assert refused.value.reason == reason
    assert refused.value.message


NOT_ON_CURVE = b"\x04" + (1).to_bytes(32, "big") + (1).to_bytes(32, "big")


KEY_REFUSALS = [
    ("", AUTH, "key_p256dh"),
    (P256DH + "!", AUTH, "key_p256dh"),  # not base64url
    (base64.b64encode(POINT).decode(), AUTH, "key_p256dh"),  # standard alphabet, not url-safe
    (b64(POINT[:33]), AUTH, "key_p256dh"),  # compressed-length point
    (b64(b"\x05" + POINT[1:]), AUTH, "key_p256dh"),  # not the uncompressed prefix
    (b64(NOT_ON_CURVE), AUTH, "key_p256dh"),
    (b64(POINT + b"\x00"), AUTH, "key_p256dh"),
    (P256DH, "", "key_auth"),
    (P256DH, b64(bytes(15)), "key_auth"),
    (P256DH, b64(bytes(17)), "key_auth"),
    (P256DH, "AAAA$AAAAAAAAAAAAAAAAA", "key_auth"),
]


@pytest.mark.parametrize(("p256dh", "auth", "reason"), KEY_REFUSALS)
def test_key_refusals(p256dh: str, auth: str, reason: str) -> None:
    with pytest.raises(Refused) as refused:
        check_subscription(Subscription(FCM, p256dh, auth), POLICY)
    assert refused.value.reason == reason


def test_padded_keys_are_accepted() -> None:
    padded = base64.urlsafe_b64encode(POINT).decode()
    assert padded.endswith("=")
    check_subscription(Subscription(FCM, padded, AUTH + "=="), POLICY)


@pytest.mark.parametrize(
    ("endpoint", "origin"),
    [
        ("http://127.0.0.1:8123/push/1", "http://127.0.0.1:8123"),
        ("http://localhost:8123/push/1", "http://localhost:8123"),
        ("http://[::1]:8123/push/1", "http://[::1]:8123"),
    ],
)
def test_loopback_receivers_pass_only_with_the_test_flag(endpoint: str, origin: str) -> None:
    assert check_subscription(Subscription(endpoint, P256DH, AUTH), LOOPBACK).origin == origin


@pytest.mark.parametrize(("endpoint", "reason"), PARSER_DIFFERENTIALS)
def test_the_test_flag_lets_no_parser_differential_through(endpoint: str, reason: str) -> None:
    with pytest.raises(Refused) as refused:
        check_subscription(
            Subscription(endpoint.replace("https", "http", 1), P256DH, AUTH), LOOPBACK
        )
    assert refused.value.reason in (reason, "endpoint_not_https")


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata services live here
        ("fe80::1%eth0", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("192.0.2.1", "private"),  # documentation range
        ("2001:db8::1", "private"),
        ("100.64.0.1", "non-global"),  # carrier-grade NAT
        ("::ffff:10.0.0.1", "private"),  # IPv4-mapped
        ("::ffff:127.0.0.1", "loopback"),
        ("2002:a00:1::1", "private"),  # 6to4 around 10.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 around 169.254.169.254
    ],
)
def test_non_public_addresses_are_refused(address: str, kind: str) -> None:
    with pytest.raises(Refused) as refused:
        check_address(address, POLICY)
    assert refused.value.reason == "address_not_public"
    assert f"a {kind} address" in refused.value.message


@pytest.mark.parametrize(
    "address", ["142.250.74.106", "2a00:1450:4001:82b::200a", "::ffff:8.8.8.8", "64:ff9b::808:808"]
)
def test_public_addresses_pass(address: str) -> None:
    check_address(address, POLICY)


def test_the_test_flag_allows_loopback_but_nothing_else_private() -> None:
    check_address("127.0.0.1", LOOPBACK)
    check_address("::1", LOOPBACK)
    with pytest.raises(Refused):
        check_address("10.0.0.1", LOOPBACK)


def test_every_address_a_name_resolves_to_must_be_public(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [(socket.AF_INET, 0, 0, "", ("142.250.74.106", 443))]
    answers.append((socket.AF_INET6, 0, 0, "", ("fd00::1", 443, 0, 0)))
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)
    with pytest.raises(Refused, match="private"):
        check_resolved(parse_endpoint(FCM), POLICY)
    del answers[1]
    check_resolved(parse_endpoint(FCM), POLICY)


def test_the_transport_refuses_a_private_peer_even_past_the_url_checks() -> None:
    # As if a name had passed the send-time check and then been re-pointed at loopback.
    with PushReceiver() as receiver:
        sub = receiver.subscribe()
        session = push_session(POLICY, 1)
        with pytest.raises(Refused, match="loopback"):
            session.post(sub.endpoint, data=b"x", timeout=2, allow_redirects=False)
        assert receiver.messages() == []
        assert requests.post(sub.endpoint, data=b"x", timeout=2).status_code == 403  # reachable


def test_every_reason_code_has_a_row() -> None:
    rows = {reason for *_, reason in ENDPOINT_REFUSALS + KEY_REFUSALS}
    assert rows | {"address_not_public"} == REASONS
