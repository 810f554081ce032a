"""Changing the password and signing out everywhere: both end other sessions at once."""

from __future__ import annotations

from sqlalchemy import text

from backend.db.engine import Database
from backend.domain.accounts import check_password
from backend.domain.errors import Forbidden, InvalidInput
from backend.services import security_log
from backend.services.accounts import SignedIn, token_hash
from backend.services.passwords import Passwords
from backend.services.ports import WallClock
from backend.services.throttle import Throttle

_PASSWORD_HASH = text("SELECT password_hash FROM account WHERE id = :account_id")
_SET_PASSWORD = text("UPDATE account SET password_hash = :hash WHERE id = :account_id")
_END_OTHER_SESSIONS = text(
    "DELETE FROM web_session WHERE account_id = :account_id AND token_hash <> :keep"
)
_END_SESSIONS = text("DELETE FROM web_session WHERE account_id = :account_id")
_FORGET_SUBSCRIPTIONS = text("DELETE FROM push_subscription WHERE account_id = :account_id")


class AccountSecurity:
    def __init__(
        self, db: Database, passwords: Passwords, wall: WallClock, throttle: Throttle
    ) -> None:
        self.db = db
        self.passwords = passwords
        self.wall = wall
        self.throttle = throttle

    async def change_password(
        self, account: SignedIn, session_token: str, current: str, new: str, address: str
    ) -> int:
        """Replace the password after checking the current one (throttled like a sign-in);
        every other session of the account ends. Returns how many ended."""
        check_password(new, account.email)
        if new == current:
            raise InvalidInput(
                "the new password must differ from the current one", code="password_unchanged"
            )
        await self.throttle.sign_in(address, account.email)
        async with self.db.read() as conn:
            stored = (
                await conn.execute(_PASSWORD_HASH, {"account_id": account.account_id})
            ).scalar_one()
        if not await self.passwords.verify(stored, current):
            async with self.db.write() as conn:
                now = self.wall.now_ms()
                await self.throttle.failed_sign_in(conn, account.email, now)
                await security_log.record(
                    conn, account.account_id, "sign_in_failed", now, address, "password_change"
                )
            raise Forbidden("the current password is wrong", code="wrong_password")
        new_hash = await self.passwords.hash(new)
        async with self.db.write() as conn:
            params = {"account_id": account.account_id}
            await conn.execute(_SET_PASSWORD, params | {"hash": new_hash})
            ended = await conn.execute(
                _END_OTHER_SESSIONS, params | {"keep": token_hash(session_token)}
            )
            await self.throttle.signed_in(conn, account.email)
            await security_log.record(
                conn,
                account.account_id,
                "password_changed",
                self.wall.now_ms(),
                address,
                str(ended.rowcount),  # how many other sessions ended
            )
        return int(ended.rowcount)

    async def sign_out_everywhere(self, account: SignedIn, address: str) -> None:
        """End every session of the account, this one too, and forget its push subscriptions
        (a browser no longer signed in must not keep receiving the account's reminders)."""
        async with self.db.write() as conn:
            params = {"account_id": account.account_id}
            ended = await conn.execute(_END_SESSIONS, params)
            await conn.execute(_FORGET_SUBSCRIPTIONS, params)
            await security_log.record(
                conn,
                account.account_id,
                "signed_out_everywhere",
                self.wall.now_ms(),
                address,
                str(ended.rowcount),  # how many sessions ended
            )
