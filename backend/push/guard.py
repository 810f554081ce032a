"""Which push endpoints the server will POST to (DESIGN §6, §7).

A subscription's endpoint is a URL the client chose, and the server sends requests to it: left
unchecked it would let any user make the server reach its own network. So an endpoint must be

- at most 1,000 characters of printable ASCII, an absolute URL with a host; nothing URL parsers
  disagree on: no backslash, fragment, percent-escape in the host, IDN (punycode) label,
  trailing dot, or IPv4 address in any spelling (decimal, octal, hex, shortened); the path and
  query only in RFC 3986 characters;
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
  the ``Target`` carries the endpoint rebuilt from its checked parts (``url``), which is what
  is stored and sent to: no other code parses an endpoint;
- ``parse_endpoint(endpoint) -> Target``: that parse alone, without the policy;
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
_URL = re.compile(
    r"(?P<scheme>https?)://(?P<authority>[^/?#]*)(?P<path>/[^?#]*)?(?P<query>\?[^#]*)?",
    re.IGNORECASE,
)
# RFC 3986 characters only, "%" only as an escape: nothing a client library would re-encode.
_PCHARS = r"[A-Za-z0-9._~!$&'()*+,;=:@/-]|%[0-9A-Fa-f]{2}"
_PATH = re.compile(rf"/(?:{_PCHARS})*")
_QUERY = re.compile(rf"\?(?:{_PCHARS}|\?)*")
_AUTHORITY = re.compile(r"(?P<host>[A-Za-z0-9.-]+)(?::(?P<port>[0-9]{1,5}))?")
_IPV6_AUTHORITY = re.compile(r"\[(?P<host>[0-9A-Fa-f:.]+)\](?::(?P<port>[0-9]{1,5}))?")
# A host name in the form DNS and every URL parser agree on: lower-case LDH labels, no empty
# label (so no trailing dot), no punycode (IDN look-alikes), and a top-level label that starts
# with a letter (so no IPv4 address in any of its decimal, octal or hex spellings).
_DNS_LABEL = r"(?!xn--)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?"
_DNS_NAME = re.compile(
    rf"(?=.{{1,253}}$)(?:{_DNS_LABEL}\.)*(?!xn--)[a-z](?:[a-z0-9-]{{0,61}}[a-z0-9])?"
)
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
    """Where an accepted endpoint points, as the guard parsed it: ``origin`` is the VAPID
    audience and ``url`` the endpoint rebuilt from the checked parts, the only form stored and
    sent to (any URL parser reads the same host in it)."""

    origin: str
    host: str
    port: int
    url: str


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


def parse_endpoint(endpoint: str) -> Target:
    """The one parse of an endpoint: its parts checked and rebuilt, before any policy."""
    if len(endpoint) > MAX_ENDPOINT_CHARS:
        raise Refused(
            "endpoint_too_long", f"the endpoint is longer than {MAX_ENDPOINT_CHARS} characters"
        )
    if not endpoint.isascii() or not endpoint.isprintable() or " " in endpoint:
        raise Refused("endpoint_malformed", "the endpoint must be a URL in printable ASCII")
    # Backslashes and fragments mean different things to different URL parsers (WHATWG reads
    # "\" as "/"); no browser puts either in a push endpoint.
    match = _URL.fullmatch(endpoint)
    if match is None or "\\" in endpoint:
        raise Refused("endpoint_malformed", "the endpoint must be an absolute http(s) URL")
    scheme, authority, path, query = match.group("scheme", "authority", "path", "query")
    scheme = scheme.lower()
    if "@" in authority:
        raise Refused("endpoint_userinfo", "the endpoint must not carry a user name or password")
    if (
        "%" in authority
        or _PATH.fullmatch(path or "/") is None
        or (query is not None and _QUERY.fullmatch(query) is None)
    ):
        raise Refused("endpoint_malformed", "the endpoint has characters a URL cannot carry")
    host, port = _authority(authority)
    default_port = 443 if scheme == "https" else 80
    netloc = (f"[{host}]" if ":" in host else host) + (
        "" if port in (None, default_port) else f":{port}"
    )
    origin = f"{scheme}://{netloc}"
    return Target(origin, host, port or default_port, origin + (path or "/") + (query or ""))


def check_endpoint(endpoint: str, policy: PushPolicy) -> Target:
    target = parse_endpoint(endpoint)
    host = target.host
    if policy.allow_loopback and host in LOOPBACK_HOSTS:
        return target
    if not target.origin.startswith("https://"):
        raise Refused("endpoint_not_https", "the endpoint must use https")
    if target.port != 443:
        raise Refused("endpoint_port", "the endpoint must use port 443")
    if not _DNS_NAME.fullmatch(host) or not any(_matches(host, s) for s in policy.host_suffixes):
        raise Refused("endpoint_host", f"{host} is not a known push service")
    return target


def _authority(authority: str) -> tuple[str, int | None]:
    """The lower-case host and the port of ``host[:port]``; IPv6 literals come unbracketed."""
    bracketed = _IPV6_AUTHORITY.fullmatch(authority)
    match = bracketed or _AUTHORITY.fullmatch(authority)
    if match is None:
        raise Refused("endpoint_malformed", "the endpoint's host is not a host name")
    host, port_text = match.group("host").lower(), match.group("port")
    if bracketed:
        try:
            host = ipaddress.IPv6Address(host).compressed
        except ValueError:
            raise Refused("endpoint_malformed", "the endpoint's IPv6 address is invalid") from None
    port = None if port_text is None else int(port_text)
    if port is not None and not 0 < port < 65536:
        raise Refused("endpoint_malformed", "the endpoint's port is out of range")
    return host, port


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
