"""Sign-up, sign-in and sessions stored in the database (they survive restarts)."""

from __future__ import annotations

import base64
import hashlib
from contextlib import nullcontext
from dataclasses import dataclass

from backend.db import account_settings, credentials, sessions
from backend.db.connection import Connection
from backend.db.engine import Database
from backend.domain.accounts import check_password, normalize_email
from backend.domain.errors import Conflict, InvalidInput, NotAuthenticated
from backend.services import security_log
from backend.services.passwords import Passwords
from backend.services.ports import Entropy, WallClock
from backend.services.session_cache import SessionCache
from backend.services.throttle import Throttle

DAY_MS = 86_400_000


@dataclass(frozen=True)
class SignedIn:
    """Who sent a request: what the session cache may keep (the time zone is not, since it
    changes under a live session; ``time_zone`` reads it)."""

    account_id: int
    email: str
    signed_in_at_ms: int = 0  # when this browser's session began


@dataclass(frozen=True)
class NewSession:
    token: str
    account: SignedIn
    time_zone: str = "UTC"


Sessions = SessionCache[SignedIn]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    def __init__(
        self,
        db: Database,
        passwords: Passwords,
        wall: WallClock,
        entropy: Entropy,
        session_days: int,
        throttle: Throttle,
        cache: Sessions,
    ) -> None:
        self.db = db
        self.passwords = passwords
        self.wall = wall
        self.entropy = entropy
        self.session_ms = session_days * DAY_MS
        self.throttle = throttle
        self.cache = cache

    async def sign_up(self, email: str, password: str, address: str = "") -> NewSession:
        email = normalize_email(email)
        check_password(password, email)
        await self.throttle.sign_up(address, email)
        password_hash = await self.passwords.hash(password)
        now = self.wall.now_ms()
        epoch = self.entropy.token_bytes(8).hex()
        async with self.db.write() as conn:
            account_id = await credentials.create_account(conn, email, password_hash, now, epoch)
            if account_id is None:
                raise Conflict("an account with this email exists; sign in", code="email_taken")
            token = await self._open_session(conn, account_id, now)
            await security_log.record(conn, account_id, "sign_up", now, address)
        return NewSession(token, SignedIn(account_id, email, now))

    async def log_in(
        self, email: str, password: str, previous_token: str | None, address: str = ""
    ) -> NewSession:
        """Verify and open a fresh session; the previous one (if any) is closed: ids rotate.

        Throttled per client address and per email; failures in a row lock the email for
        longer and longer, and land in the account's security log."""
        try:
            email = normalize_email(email)
        except InvalidInput:
            email = ""  # still spend a hash below, so a bad address answers like a wrong one
        await self.throttle.sign_in(address, email)
        async with self.db.read() as conn:
            row = await credentials.sign_in_row(conn, email)
        if not await self.passwords.verify(row.password_hash if row else None, password) or not row:
            async with self.db.write() as conn:
                now = self.wall.now_ms()
                await self.throttle.failed_sign_in(conn, email, now)
                if row is not None:
                    await security_log.record(conn, row.id, "sign_in_failed", now, address)
            raise NotAuthenticated("email or password is wrong", code="bad_credentials")
        previous = token_hash(previous_token) if previous_token else None
        ending = self.cache.ending(sessions.token_ended(previous)) if previous else nullcontext()
        async with ending, self.db.write() as conn:
            if previous:
                await sessions.end_session(conn, previous)
            now = self.wall.now_ms()
            await sessions.end_expired(conn, row.id, now)
            token = await self._open_session(conn, row.id, now)
            await self.throttle.signed_in(conn, email)
            await security_log.record(conn, row.id, "sign_in", now, address)
        return NewSession(token, SignedIn(row.id, email, now), row.time_zone)

    async def log_out(self, token: str) -> None:
        hashed = token_hash(token)
        async with self.cache.ending(sessions.token_ended(hashed)), self.db.write() as conn:
            await sessions.end_session(conn, hashed)

    async def authenticate(self, token: str | None) -> SignedIn:
        """The session's account: from the cache when it holds the session, else the database
        (and then the cache). Ended sessions leave every process's cache at once."""
        if token:
            hashed = token_hash(token)
            now = self.wall.now_ms()
            account = self.cache.get(hashed, now)
            if account is not None:
                return account
            generation = self.cache.generation
            async with self.db.read() as conn:
                row = await sessions.lookup(conn, hashed, now)
            if row is not None:
                account = SignedIn(row.account_id, row.email, row.created_at_ms)
                self.cache.put(hashed, account, row.account_id, row.expires_at_ms, generation)
                return account
        raise NotAuthenticated("sign in first", code="not_authenticated")

    async def time_zone(self, account_id: int) -> str:
        async with self.db.read() as conn:
            return await account_settings.time_zone_of(conn, account_id)

    async def _open_session(self, conn: Connection, account_id: int, now: int) -> str:
        token = base64.urlsafe_b64encode(self.entropy.token_bytes(32)).decode().rstrip("=")
        await sessions.open_session(conn, token_hash(token), account_id, now, now + self.session_ms)
        return token
