"""Erase an account (the right to erasure): every row of every table that names it, its
sessions and push subscriptions, the grants it holds as a clinician, in one transaction, after
the password is given again."""

from __future__ import annotations

from backend.db import credentials, erasure, sessions
from backend.db.engine import Database
from backend.db.insight_store import lock_counter
from backend.domain.errors import Forbidden
from backend.services.accounts import Sessions
from backend.services.passwords import Passwords
from backend.services.ports import WallClock
from backend.services.sharing import end_as_clinician
from backend.services.throttle import account_bucket_keys, email_key


class AccountDeletion:
    def __init__(
        self, db: Database, passwords: Passwords, cache: Sessions, wall: WallClock
    ) -> None:
        self.db = db
        self.cache = cache
        self.passwords = passwords
        self.wall = wall

    async def delete(self, account_id: int, password: str) -> None:
        async with self.db.read() as conn:
            row = await credentials.login(conn, account_id)
        if row is None or not await self.passwords.verify(row.password_hash, password):
            raise Forbidden("the password is wrong; nothing was deleted", code="bad_password")
        ended = sessions.account_ended(account_id)
        async with self.cache.ending(ended), self.db.write() as conn:
            # Holding the sequence row makes a push or alert evaluation in flight finish first.
            await lock_counter(conn, account_id)
            # Its grants to clinicians go with its rows; those it holds as a clinician end here.
            await end_as_clinician(conn, account_id, self.wall.now_ms())
            keys = account_bucket_keys(account_id, row.email)
            await erasure.erase(conn, account_id, keys, email_key(row.email))
