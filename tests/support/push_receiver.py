"""An in-test push service: what FCM or Mozilla's autopush would do with our requests, on loopback.

    with PushReceiver() as receiver:                      # 127.0.0.1, an ephemeral port
        sub = receiver.subscribe()                        # keys + http://127.0.0.1:<port>/push/<id>
        receiver.script(sub, Reply(429, {"Retry-After": "120"}), Reply(201))
        ... send to sub.subscription (a backend.push Subscription) ...
        [message] = receiver.messages(sub)                # Received: plaintext, claims, headers
        assert receiver.errors() == []

Every ``POST /push/<id>`` is recorded as a ``Received`` and checked like a real push service:

- the ``Authorization: vapid t=<JWT>, k=<key>`` header: ES256 signature by ``k`` (py_vapid),
  ``aud`` equal to the receiver's origin, ``exp`` in the future and at most 24 h ahead, ``sub`` a
  ``mailto:`` or ``https:`` contact;
- the body: ``Content-Encoding: aes128gcm``, decrypted with the subscription's private key and
  auth secret (``http_ece``).

A request that fails a check is answered 403 (bad token) or 400 (bad body) with the reason in
``Received.error``; otherwise the next scripted ``Reply`` for that subscription answers (201 when
none is left). A reply may redirect (``Reply(301, {"Location": other.endpoint})``) or be slow
(``Reply(201, delay=2.0)``, to make a sender time out). Unknown ids get 404.
``PushReceiver(verify=False)`` skips the checks and answers every ``/push/`` path (benchmarks).
Browser tests stub ``pushManager.subscribe`` with ``sub.as_json()``.

Two views of what arrived:

- ``messages()``: every POST, as sent (``raw_posts()`` counts them);
- ``inbox()``: what a device coming online would be handed. An accepted message with a
  ``Topic`` replaces an undelivered one with the same topic for that subscription (RFC 8030
  §5.4), as real push services do, so a message sent twice is stored once; ``deliver(sub)``
  hands the inbox over (delivered messages are never replaced).
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import os
import threading
import time
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import jwt

from backend.push.guard import Subscription

MAX_TOKEN_AHEAD_S = 24 * 3600


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@dataclass(frozen=True)
class Reply:
    status: int = 201
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering


@dataclass(frozen=True)
class BrowserSubscription:
    id: str
    endpoint: str
    private_key: ec.EllipticCurvePrivateKey
    auth_secret: bytes

    @property
    def p256dh(self) -> str:
        point = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return b64url(point)

    @property
    def subscription(self) -> Subscription:
        return Subscription(self.endpoint, self.p256dh, b64url(self.auth_secret))

    def as_json(self) -> dict[str, Any]:
        """What ``PushSubscription.toJSON()`` gives a page."""
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": self.p256dh, "auth": b64url(self.auth_secret)},
        }


@dataclass(frozen=True)
class Received:
    path: str
    subscription_id: str
    headers: Mapping[str, str]  # lower-case names
    body: bytes
    status: int  # what the receiver answered
    plaintext: bytes | None = None
    claims: Mapping[str, Any] | None = None
    error: str | None = None
    at: float = 0.0  # time.monotonic() when it arrived


class PushReceiver:
    def __init__(self, *, verify: bool = True) -> None:
        self.verify = verify
        self._subscriptions: dict[str, BrowserSubscription] = {}
        self._scripts: dict[str, deque[Reply]] = {}
        self._received: list[Received] = []
        self._inbox: dict[str, list[Received]] = {}  # undelivered, per subscription id
        self.aborted = 0  # requests whose body never arrived in full
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._server.block_on_close = False
        self.origin = f"http://127.0.0.1:{self._server.server_address[1]}"
        # A short poll keeps shutdown (once per test) quick.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def __enter__(self) -> PushReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopping.set()  # wakes slow replies
        self._server.shutdown()
        self._server.server_close()

    def subscribe(self) -> BrowserSubscription:
        """A new subscription with fresh keys, as a browser would create it."""
        sub_id = f"s{next(self._ids)}"
        sub = BrowserSubscription(
            sub_id,
            f"{self.origin}/push/{sub_id}",
            ec.generate_private_key(ec.SECP256R1()),
            os.urandom(16),
        )
        with self._lock:
            self._subscriptions[sub_id] = sub
        return sub

    def script(self, sub: BrowserSubscription, *replies: Reply) -> None:
        """Answer the next requests for ``sub`` with ``replies``, in order."""
        with self._lock:
            self._scripts.setdefault(sub.id, deque()).extend(replies)

    def messages(self, sub: BrowserSubscription | None = None) -> list[Received]:
        with self._lock:
            return [r for r in self._received if sub is None or r.subscription_id == sub.id]

    def errors(self) -> list[str]:
        return [r.error for r in self.messages() if r.error is not None]

    def raw_posts(self) -> int:
        with self._lock:
            return len(self._received)

    def inbox(self, sub: BrowserSubscription | None = None) -> list[Received]:
        """Accepted, undelivered messages (a newer one with the same topic replaced its twin)."""
        with self._lock:
            if sub is not None:
                return list(self._inbox.get(sub.id, []))
            return [r for box in self._inbox.values() for r in box]

    def deliver(self, sub: BrowserSubscription) -> list[Received]:
        """Hand ``sub``'s inbox to its device: those messages can no longer be replaced."""
        with self._lock:
            return self._inbox.pop(sub.id, [])

    def _store(self, received: Received) -> None:
        box = self._inbox.setdefault(received.subscription_id, [])
        topic = received.headers.get("topic")
        if topic is not None:
            box[:] = [r for r in box if r.headers.get("topic") != topic]
        box.append(received)

    def _answer(self, path: str, headers: Mapping[str, str], body: bytes) -> tuple[Reply, str]:
        sub_id = path.removeprefix("/push/")
        with self._lock:
            sub = self._subscriptions.get(sub_id)
            script = self._scripts.get(sub_id)
            reply = script.popleft() if script else Reply()
        if not path.startswith("/push/") or (sub is None and self.verify):
            reply, error, plaintext, claims = Reply(404), "unknown subscription", None, None
        elif sub is None:
            error, plaintext, claims = None, None, None
        else:
            error, plaintext, claims = self._check(sub, headers, body)
            if error is not None:
                reply = Reply(403 if error.startswith("vapid") else 400)
        received = Received(
            path, sub_id, headers, body, reply.status, plaintext, claims, error, time.monotonic()
        )
        with self._lock:
            self._received.append(received)
            if 200 <= reply.status < 300:
                self._store(received)
        if reply.delay:
            self._stopping.wait(reply.delay)
        return reply, error or ""

    def _check(
        self, sub: BrowserSubscription, headers: Mapping[str, str], body: bytes
    ) -> tuple[str | None, bytes | None, Mapping[str, Any] | None]:
        claims, error = self._claims(headers.get("authorization", ""))
        if error is not None:
            return error, None, claims
        if headers.get("content-encoding") != "aes128gcm":
            return "body: content-encoding is not aes128gcm", None, claims
        try:
            plaintext = http_ece.decrypt(
                body, private_key=sub.private_key, auth_secret=sub.auth_secret, version="aes128gcm"
            )
        except Exception as exc:  # http_ece raises several kinds for a bad body
            return f"body: cannot decrypt ({exc!r})", None, claims
        return None, plaintext, claims

    def _claims(self, authorization: str) -> tuple[Mapping[str, Any] | None, str | None]:
        scheme, _, params = authorization.partition(" ")
        parts = dict(p.strip().split("=", 1) for p in params.split(",") if "=" in p)
        if scheme.lower() != "vapid" or "t" not in parts or "k" not in parts:
            return None, "vapid: missing 'vapid t=…, k=…' authorization"
        try:
            claims: dict[str, Any] = jwt.decode(parts["t"], parts["k"])
        except InvalidSignature:
            return None, "vapid: bad signature"
        if claims.get("aud") != self.origin:
            return claims, f"vapid: aud {claims.get('aud')!r} is not {self.origin!r}"
        exp, now = claims.get("exp"), time.time()
        if not isinstance(exp, int) or not now < exp <= now + MAX_TOKEN_AHEAD_S:
            return claims, f"vapid: exp {exp!r} is not within the next 24 h"
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            return claims, "vapid: sub is not a mailto: or https: contact"
        return claims, None


def _handler(receiver: PushReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as push services offer

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if len(body) < length:  # the sender died mid-request: a push service drops it
                receiver.aborted += 1
                self.close_connection = True
                return
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply, error = receiver._answer(self.path, headers, body)
            text = error.encode()
            with contextlib.suppress(OSError):  # a sender that timed out has hung up
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(text)))
                self.end_headers()
                self.wfile.write(text)

        def log_message(self, format: str, *args: Any) -> None:
            pass  # keep test output clean

    return Handler
