"""Sign-up, sign-in and sessions stored in the database (they survive restarts)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from backend.db.engine import Database
from backend.domain.accounts import check_password, normalize_email
from backend.domain.errors import Conflict, InvalidInput, NotAuthenticated
from backend.services import security_log
from backend.services.passwords import Passwords
from backend.services.ports import Entropy, WallClock
from backend.services.throttle import Throttle

DAY_MS = 86_400_000

_INSERT_ACCOUNT = text(
    "INSERT INTO account (email, password_hash, created_at_ms) "
    "VALUES (:email, :hash, :now) RETURNING id"
)
_INSERT_COUNTER = text(
    "INSERT INTO sync_counter (account_id, seq, epoch) VALUES (:account_id, 0, :epoch)"
)
_FIND_ACCOUNT = text("SELECT id, password_hash, time_zone FROM account WHERE email = :email")
_INSERT_SESSION = text(
    "INSERT INTO web_session (token_hash, account_id, created_at_ms, expires_at_ms) "
    "VALUES (:token_hash, :account_id, :now, :expires)"
)
_DELETE_SESSION = text("DELETE FROM web_session WHERE token_hash = :token_hash")
_DELETE_EXPIRED = text(
    "DELETE FROM web_session WHERE account_id = :account_id AND expires_at_ms <= :now"
)
_SESSION_ACCOUNT = text(
    "SELECT a.id, a.email, a.time_zone, s.created_at_ms FROM web_session s "
    "JOIN account a ON a.id = s.account_id "
    "WHERE s.token_hash = :token_hash AND s.expires_at_ms > :now"
)


@dataclass(frozen=True)
class SignedIn:
    account_id: int
    email: str
    time_zone: str = "UTC"
    signed_in_at_ms: int = 0  # when this browser's session began


@dataclass(frozen=True)
class NewSession:
    token: str
    account: SignedIn


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
    ) -> None:
        self.db = db
        self.passwords = passwords
        self.wall = wall
        self.entropy = entropy
        self.session_ms = session_days * DAY_MS
        self.throttle = throttle

    async def sign_up(self, email: str, password: str, address: str = "") -> NewSession:
        email = normalize_email(email)
        check_password(password, email)
        await self.throttle.sign_up(address, email)
        password_hash = await self.passwords.hash(password)
        now = self.wall.now_ms()
        try:
            async with self.db.write() as conn:
                account_id = (
                    await conn.execute(
                        _INSERT_ACCOUNT, {"email": email, "hash": password_hash, "now": now}
                    )
                ).scalar_one()
                await conn.execute(
                    _INSERT_COUNTER,
                    {"account_id": account_id, "epoch": self.entropy.token_bytes(8).hex()},
                )
                token = await self._open_session(conn, account_id, now)
                await security_log.record(conn, account_id, "sign_up", now, address)
        except IntegrityError:
            raise Conflict(
                "an account with this email exists; sign in", code="email_taken"
            ) from None
        return NewSession(token, SignedIn(account_id, email))

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
            row = (await conn.execute(_FIND_ACCOUNT, {"email": email})).one_or_none()
        if not await self.passwords.verify(row.password_hash if row else None, password) or not row:
            async with self.db.write() as conn:
                now = self.wall.now_ms()
                await self.throttle.failed_sign_in(conn, email, now)
                if row is not None:
                    await security_log.record(conn, row.id, "sign_in_failed", now, address)
            raise NotAuthenticated("email or password is wrong", code="bad_credentials")
        async with self.db.write() as conn:
            if previous_token:
                await conn.execute(_DELETE_SESSION, {"token_hash": token_hash(previous_token)})
            now = self.wall.now_ms()
            await conn.execute(_DELETE_EXPIRED, {"account_id": row.id, "now": now})
            token = await self._open_session(conn, row.id, now)
            await self.throttle.signed_in(conn, email)
            await security_log.record(conn, row.id, "sign_in", now, address)
        return NewSession(token, SignedIn(row.id, email, row.time_zone))

    async def log_out(self, token: str) -> None:
        async with self.db.write() as conn:
            await conn.execute(_DELETE_SESSION, {"token_hash": token_hash(token)})

    async def authenticate(self, token: str | None) -> SignedIn:
        if token:
            async with self.db.read() as conn:
                row = (
                    await conn.execute(
                        _SESSION_ACCOUNT,
                        {"token_hash": token_hash(token), "now": self.wall.now_ms()},
                    )
                ).one_or_none()
            if row is not None:
                return SignedIn(row.id, row.email, row.time_zone, row.created_at_ms)
        raise NotAuthenticated("sign in first", code="not_authenticated")

    async def _open_session(self, conn: AsyncConnection, account_id: int, now: int) -> str:
        token = base64.urlsafe_b64encode(self.entropy.token_bytes(32)).decode().rstrip("=")
        await conn.execute(
            _INSERT_SESSION,
            {
                "token_hash": token_hash(token),
                "account_id": account_id,
                "now": now,
                "expires": now + self.session_ms,
            },
        )
        return token
