"""Changing the password and signing out everywhere: both end other sessions at once."""

from __future__ import annotations

from backend.db import credentials, push_subscriptions, sessions
from backend.db.engine import Database
from backend.domain.accounts import check_password
from backend.domain.errors import Forbidden, InvalidInput
from backend.services import security_log
from backend.services.accounts import Sessions, SignedIn, token_hash
from backend.services.passwords import Passwords
from backend.services.ports import WallClock
from backend.services.throttle import Throttle


class AccountSecurity:
    def __init__(
        self,
        db: Database,
        passwords: Passwords,
        wall: WallClock,
        throttle: Throttle,
        cache: Sessions,
    ) -> None:
        self.db = db
        self.cache = cache
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
            stored = await credentials.login(conn, account.account_id)
        if stored is None or not await self.passwords.verify(stored.password_hash, current):
            async with self.db.write() as conn:
                now = self.wall.now_ms()
                await self.throttle.failed_sign_in(conn, account.email, now)
                await security_log.record(
                    conn, account.account_id, "sign_in_failed", now, address, "password_change"
                )
            raise Forbidden("the current password is wrong", code="wrong_password")
        new_hash = await self.passwords.hash(new)
        ended_message = sessions.account_ended(account.account_id)
        async with self.cache.ending(ended_message), self.db.write() as conn:
            await credentials.set_password_hash(conn, account.account_id, new_hash)
            ended = await sessions.end_account_sessions(
                conn, account.account_id, keep=token_hash(session_token)
            )
            await self.throttle.signed_in(conn, account.email)
            await security_log.record(
                conn,
                account.account_id,
                "password_changed",
                self.wall.now_ms(),
                address,
                str(ended),  # how many other sessions ended
            )
        return ended

    async def sign_out_everywhere(self, account: SignedIn, address: str) -> None:
        """End every session of the account, this one too, and forget its push subscriptions
        (a browser no longer signed in must not keep receiving the account's reminders)."""
        ended_message = sessions.account_ended(account.account_id)
        async with self.cache.ending(ended_message), self.db.write() as conn:
            ended = await sessions.end_account_sessions(conn, account.account_id)
            await push_subscriptions.forget_all(conn, account.account_id)
            await security_log.record(
                conn,
                account.account_id,
                "signed_out_everywhere",
                self.wall.now_ms(),
                address,
                str(ended),  # how many sessions ended
            )
