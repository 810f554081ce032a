"""Which push endpoints the server will POST to (DESIGN §6, §7).

A subscription's endpoint is a URL the client chose, and the server sends requests to it: left
unchecked it would let any user make the server reach its own network. So an endpoint must be

- at most 1,000 characters of printable ASCII, an absolute URL with a host;
- ``https`` on port 443 (written or implied), with no user name or password;
- on a known push service: ``PushPolicy.host_suffixes`` (``SIDEWISE_PUSH_HOST_SUFFIXES``), where
  ``.example.com`` matches any subdomain and ``example.com`` only that host. The defaults are the
  services browsers subscribe with: Firefox ``updates.push.services.mozilla.com``
  (``.push.services.mozilla.com``), Chrome and other Chromium browsers ``fcm.googleapis.com``,
  Edge ``wns2-….notify.windows.com`` (``.notify.windows.com``), Safari ``web.push.apple.com``
  (``.push.apple.com``, the domain Apple asks servers to allow);

and its keys must be valid: ``p256dh`` base64url of a 65-byte uncompressed P-256 point on the
curve, ``auth`` base64url of 16 bytes. At send time every address the host resolves to must be
public (not loopback, private, link-local, multicast, reserved, unspecified or otherwise not
globally reachable; IPv4 inside IPv6 — mapped, 6to4, NAT64 — is judged as IPv4), and the
transport checks the connected peer again so a re-pointed name cannot slip past.

``SIDEWISE_PUSH_ALLOW_LOOPBACK=1`` (tests only; production refuses it) also accepts ``http`` or
``https`` endpoints on ``127.0.0.1``, ``::1`` or ``localhost`` on any port, resolving to loopback
addresses: the in-test push receiver.

API:
- ``PushPolicy.from_settings(settings)``;
- ``check_subscription(subscription, policy) -> Target``: at subscribe time and before each send;
- ``check_resolved(target, policy)``: at send time; raises ``OSError`` when the name does not
  resolve (a transient failure, not a refusal);
- ``check_address(address, policy)``: one IP address, used by the transport at connect time.

Each refusal raises ``Refused`` with a stable ``reason`` (one of ``REASONS``) and a message
meant for the user; the API layer turns it into a 4xx problem.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec

from backend.settings import Settings

MAX_ENDPOINT_CHARS = 1000
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "::1", "localhost"})
REASONS = frozenset(
    {
        "endpoint_too_long",
        "endpoint_malformed",
        "endpoint_not_https",
        "endpoint_userinfo",
        "endpoint_port",
        "endpoint_host",
        "key_p256dh",
        "key_auth",
        "address_not_public",
    }
)
_BASE64URL = re.compile(r"[A-Za-z0-9_-]+={0,2}")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


class Refused(Exception):
    """The server will not send to this subscription; ``reason`` is a stable code."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class Subscription:
    """A browser's PushSubscription: ``endpoint`` and ``keys.p256dh``/``keys.auth``."""

    endpoint: str
    p256dh: str
    auth: str


@dataclass(frozen=True)
class PushPolicy:
    host_suffixes: tuple[str, ...]
    allow_loopback: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> PushPolicy:
        return cls(settings.push_host_suffixes, settings.push_allow_loopback)


@dataclass(frozen=True)
class Target:
    """Where an accepted endpoint points: ``origin`` is the VAPID audience."""

    origin: str
    host: str
    port: int


def check_subscription(subscription: Subscription, policy: PushPolicy) -> Target:
    target = check_endpoint(subscription.endpoint, policy)
    point = _decode(subscription.p256dh)
    if point is None or len(point) != 65 or point[0] != 4 or not _on_curve(point):
        raise Refused(
            "key_p256dh", "keys.p256dh must be an uncompressed P-256 public key in base64url"
        )
    auth = _decode(subscription.auth)
    if auth is None or len(auth) != 16:
        raise Refused("key_auth", "keys.auth must be a 16-byte secret in base64url")
    return target


def check_endpoint(endpoint: str, policy: PushPolicy) -> Target:
    if len(endpoint) > MAX_ENDPOINT_CHARS:
        raise Refused(
            "endpoint_too_long", f"the endpoint is longer than {MAX_ENDPOINT_CHARS} characters"
        )
    if not endpoint.isascii() or not endpoint.isprintable() or " " in endpoint:
        raise Refused("endpoint_malformed", "the endpoint must be a URL in printable ASCII")
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        raise Refused("endpoint_malformed", "the endpoint is not a valid URL") from None
    host = parts.hostname
    if not host or parts.scheme not in ("http", "https"):
        raise Refused("endpoint_malformed", "the endpoint must be an absolute http(s) URL")
    if "@" in parts.netloc:
        raise Refused("endpoint_userinfo", "the endpoint must not carry a user name or password")
    default_port = 443 if parts.scheme == "https" else 80
    target = Target(f"{parts.scheme}://{parts.netloc.lower()}", host, port or default_port)
    if policy.allow_loopback and host in LOOPBACK_HOSTS:
        return target
    if parts.scheme != "https":
        raise Refused("endpoint_not_https", "the endpoint must use https")
    if port not in (None, 443):
        raise Refused("endpoint_port", "the endpoint must use port 443")
    if not any(_matches(host, suffix) for suffix in policy.host_suffixes):
        raise Refused("endpoint_host", f"{host} is not a known push service")
    return target


def check_resolved(target: Target, policy: PushPolicy) -> None:
    """Refuse unless every address ``target.host`` resolves to now is allowed."""
    infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    for *_, sockaddr in infos:
        check_address(str(sockaddr[0]), policy)


def check_address(address: str, policy: PushPolicy) -> None:
    ip = ipaddress.ip_address(address.partition("%")[0])  # drop an IPv6 zone id
    kind = _non_public_kind(ip)
    if kind is None or (kind == "loopback" and policy.allow_loopback):
        return
    raise Refused("address_not_public", f"the push service resolves to a {kind} address ({ip})")


def _non_public_kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF)
        if embedded is not None:
            return _non_public_kind(embedded)
    # Python also counts loopback, link-local and reserved ranges as private: name the most
    # specific kind first.
    for kind, flag in (
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("non-global", not ip.is_global),
    ):
        if flag:
            return kind
    return None


def _matches(host: str, suffix: str) -> bool:
    return host.endswith(suffix) if suffix.startswith(".") else host == suffix


def _decode(text: str) -> bytes | None:
    if not _BASE64URL.fullmatch(text):
        return None
    try:
        return base64.urlsafe_b64decode(text.rstrip("=") + "=" * (-len(text.rstrip("=")) % 4))
    except (binascii.Error, ValueError):
        return None


def _on_curve(point: bytes) -> bool:
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)
    except ValueError:
        return False
    return True
