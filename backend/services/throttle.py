"""Throttling shared by every worker and host: GCRA buckets and failed-sign-in locks stored in
the database, each changed by one atomic upsert (PostgreSQL locks the row for the statement;
SQLite has one writer), so no extra service is needed.

A refused request changes no bucket. Refusals that concern an account are written to its
security log (once per window, see ``security_log``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from backend.db import credentials, rate_limits
from backend.db.connection import Connection
from backend.db.engine import Database
from backend.domain.errors import TooManyRequests
from backend.domain.throttle import FAILURE_MEMORY_MS, Rate, retry_after_s, sign_in_delay_ms
from backend.services import security_log
from backend.services.ports import WallClock


@dataclass(frozen=True)
class Limits:
    sign_in: Rate  # sign-in attempts per client address
    sign_up: Rate  # accounts created per client address
    email: Rate  # sign-in and sign-up attempts per email address
    register: Rate  # device and push subscription registrations per client address
    register_account: Rate  # the same per account
    share_code: Rate  # share codes tried per client address, and per account
    free_failures: int  # failed sign-ins in a row before the email is locked


def email_key(email: str) -> str:
    """Addresses that have no account are throttled too; only their hash is stored."""
    return hashlib.sha256(email.encode()).hexdigest()


def account_bucket_keys(account_id: int, email: str) -> list[str]:
    """The ``rate_limit`` keys that name an account or its email (erased with the account)."""
    return [
        f"register-account:{account_id}",
        f"email:{email_key(email)}",
        f"share-code-account:{account_id}",
    ]


class Throttle:
    def __init__(self, db: Database, wall: WallClock, limits: Limits) -> None:
        self.db = db
        self.wall = wall
        self.limits = limits

    async def sign_in(self, address: str, email: str) -> None:
        """Before a password is checked (a sign-in or a password change)."""
        bucket = (f"sign-in:{address}", self.limits.sign_in)
        await self._guard_email("sign_in", address, email, bucket)

    async def sign_up(self, address: str, email: str) -> None:
        bucket = (f"sign-up:{address}", self.limits.sign_up)
        await self._guard_email("sign_up", address, email, bucket)

    async def register(self, action: str, address: str, account_id: int) -> None:
        """Before a device or push subscription is registered."""
        now = self.wall.now_ms()
        buckets = [
            (f"register:{address}", self.limits.register),
            (account_bucket_keys(account_id, "")[0], self.limits.register_account),
        ]
        async with self.db.write() as conn:
            wait = await rate_limits.take_all(conn, buckets, now)
            if wait:
                await security_log.record_throttled(conn, account_id, action, now, address)
        if wait:
            raise TooManyRequests(
                f"too many {action.replace('_', ' ')} registrations; try again later",
                retry_after_s=retry_after_s(wait),
            )

    async def share_code(self, address: str, account_id: int) -> None:
        """Before a share code is looked up: 60 random bits are out of reach at this rate."""
        now = self.wall.now_ms()
        buckets = [
            (f"share-code:{address}", self.limits.share_code),
            (f"share-code-account:{account_id}", self.limits.share_code),
        ]
        async with self.db.write() as conn:
            wait = await rate_limits.take_all(conn, buckets, now)
            if wait:
                await security_log.record_throttled(conn, account_id, "share_code", now, address)
        if wait:
            raise TooManyRequests(
                "too many share codes tried; try again later", retry_after_s=retry_after_s(wait)
            )

    async def failed_sign_in(self, conn: Connection, email: str, now: int) -> None:
        """Count a wrong password for ``email``; past the free failures, lock it a while."""
        key = email_key(email)
        failures = await rate_limits.count_failure(conn, key, now, now - FAILURE_MEMORY_MS)
        delay = sign_in_delay_ms(failures, self.limits.free_failures)
        if delay:
            await rate_limits.lock(conn, key, now + delay)

    async def signed_in(self, conn: Connection, email: str) -> None:
        await rate_limits.clear_failures(conn, email_key(email))

    async def _guard_email(
        self, action: str, address: str, email: str, per_address: tuple[str, Rate]
    ) -> None:
        now = self.wall.now_ms()
        key = email_key(email)
        async with self.db.write() as conn:
            locked = await rate_limits.locked_until(conn, key)
            code = "sign_in_locked"
            wait = max(0, (locked or 0) - now) if action == "sign_in" else 0
            if not wait:
                code = "too_many_requests"
                buckets = [per_address, (f"email:{key}", self.limits.email)]
                wait = await rate_limits.take_all(conn, buckets, now)
            if wait:
                account_id = await credentials.account_of_email(conn, email)
                if account_id is not None:
                    await security_log.record_throttled(conn, account_id, action, now, address)
        if wait:
            detail = (
                "too many failed sign-ins for this email; wait before trying again"
                if code == "sign_in_locked"
                else "too many attempts; try again later"
            )
            raise TooManyRequests(detail, retry_after_s=retry_after_s(wait), code=code)
