"""Browsers' push subscriptions, registered by the account signed in on each browser.

An endpoint passes the guard (``backend.push.guard``) or nothing is stored; it is stored once,
with the VAPID key id the browser subscribed with (the key served now).

A browser has one subscription whoever signs in on it, so an endpoint registered by another
account moves to the caller only when

- the request carries the same keys (``p256dh``, ``auth``): it comes from the browser holding
  the subscription, not from someone who only saw the endpoint URL; and
- the caller's sign-in on this browser began after the endpoint was last registered: the newest
  sign-in on a browser owns its subscription (a sign-in rotates the browser's session).

A moved subscription gets a new id, so messages queued for the previous account are cancelled
rather than shown to the new one. Otherwise the answer is 409 ``subscription_taken`` and nothing
changes.
"""

from __future__ import annotations

from typing import NamedTuple

from backend.db import devices as device_rows
from backend.db import push_subscriptions as rows
from backend.db.connection import Connection
from backend.db.engine import Database
from backend.db.push_subscriptions import Keys
from backend.domain.errors import Conflict, InvalidInput, Unavailable
from backend.push.guard import (
    PushPolicy,
    Refused,
    Subscription,
    check_subscription,
    parse_endpoint,
)
from backend.push.vapid import VapidKey
from backend.services import security_log
from backend.services.accounts import SignedIn
from backend.services.devices import DeviceRegistry
from backend.services.ports import WallClock
from backend.services.throttle import Throttle


class NewSubscription(NamedTuple):
    endpoint: str
    p256dh: str
    auth: str
    expires_at_ms: int | None  # the browser's expirationTime
    device_id: str | None


class Registered(NamedTuple):
    id: int
    key_id: str
    created: bool  # False: this account had registered the endpoint already


class PushSubscriptions:
    def __init__(
        self,
        db: Database,
        wall: WallClock,
        devices: DeviceRegistry,
        policy: PushPolicy,
        key: VapidKey | None,
        throttle: Throttle,
        max_subscriptions: int,
    ) -> None:
        self.db = db
        self.wall = wall
        self.devices = devices
        self.policy = policy
        self.key = key
        self.throttle = throttle
        self.max_subscriptions = max_subscriptions

    def current_key(self) -> VapidKey:
        if self.key is None:
            raise Unavailable(
                "push messages are not set up on this server (no VAPID key)",
                code="push_unavailable",
            )
        return self.key

    async def subscribe(
        self, account: SignedIn, new: NewSubscription, address: str = ""
    ) -> Registered:
        key_id = self.current_key().key_id
        try:
            target = check_subscription(
                Subscription(new.endpoint, new.p256dh, new.auth), self.policy
            )
        except Refused as refusal:
            raise InvalidInput(refusal.message, code=refusal.reason) from None
        # Stored as the guard rebuilt it: one spelling per endpoint, so one owner per endpoint.
        new = new._replace(endpoint=target.url)
        if new.device_id is not None:
            await self.devices.require(account.account_id, new.device_id)
        await self.throttle.register("subscription", address, account.account_id)
        now = self.wall.now_ms()
        keys = Keys(new.p256dh, new.auth, key_id, new.device_id, new.expires_at_ms)
        async with self.db.write() as conn:
            await device_rows.lock_account(conn, account.account_id)
            held = await rows.held(conn, new.endpoint)
            if held is None or held.account_id != account.account_id:
                await self._check_cap(conn, account.account_id)
            if held is None:
                created = await rows.insert(conn, account.account_id, new.endpoint, keys, now)
                if created is not None:
                    return Registered(created, key_id, True)
                held = await rows.held(conn, new.endpoint)  # a concurrent registration came first
                assert held is not None
            if held.account_id == account.account_id:
                await rows.renew(conn, held.id, keys, now)
                return Registered(held.id, key_id, False)
            same_keys = (held.p256dh, held.auth) == (new.p256dh, new.auth)
            if not same_keys or account.signed_in_at_ms <= held.registered_at_ms:
                raise Conflict(
                    "this push subscription is registered to another account; sign in again on "
                    "this browser to move it to you",
                    code="subscription_taken",
                )
            await rows.delete(conn, [held.id])
            moved = await rows.insert(conn, account.account_id, new.endpoint, keys, now)
            assert moved is not None
            for owner, kind in ((held.account_id, "out"), (account.account_id, "in")):
                await security_log.record(conn, owner, f"subscription_moved_{kind}", now, address)
            return Registered(moved, key_id, True)

    async def _check_cap(self, conn: Connection, account_id: int) -> None:
        held = await rows.count(conn, account_id)
        if held >= self.max_subscriptions:
            raise Conflict(
                f"this account already has {held} push subscriptions, the most it may "
                "hold; Sign out everywhere (Settings) forgets them all",
                code="too_many_subscriptions",
            )

    async def unsubscribe(self, account_id: int, endpoint: str) -> None:
        """Forget the caller's own subscription at ``endpoint``; anyone else's stays."""
        try:
            stored = parse_endpoint(endpoint).url
        except Refused:
            return  # the guard never let such an endpoint in (and PostgreSQL refuses NUL)
        async with self.db.write() as conn:
            await rows.delete_endpoint(conn, account_id, (stored, endpoint))
