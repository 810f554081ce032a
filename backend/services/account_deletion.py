"""Erase an account (the right to erasure): every row of every table that names it, its
sessions and push subscriptions, in one transaction, after the password is given again."""

from __future__ import annotations

from sqlalchemy import Table, delete, text

from backend.db.engine import Database
from backend.db.tables import metadata
from backend.domain.errors import Forbidden
from backend.services.insight_store import lock_counter
from backend.services.passwords import Passwords
from backend.services.throttle import account_bucket_keys, email_key

_ACCOUNT = text("SELECT email, password_hash FROM account WHERE id = :id")


def account_tables() -> list[Table]:
    """Every table with an ``account_id`` column, children before parents: a table added
    later is erased too without touching this module."""
    return [table for table in reversed(metadata.sorted_tables) if "account_id" in table.c]


class AccountDeletion:
    def __init__(self, db: Database, passwords: Passwords) -> None:
        self.db = db
        self.passwords = passwords

    async def delete(self, account_id: int, password: str) -> None:
        async with self.db.read() as conn:
            row = (await conn.execute(_ACCOUNT, {"id": account_id})).one_or_none()
        if row is None or not await self.passwords.verify(row.password_hash, password):
            raise Forbidden("the password is wrong; nothing was deleted", code="bad_password")
        async with self.db.write() as conn:
            # Holding the sequence row makes a push or alert evaluation in flight finish first.
            await lock_counter(conn, account_id)
            for table in account_tables():
                await conn.execute(delete(table).where(table.c.account_id == account_id))
            # Throttling state is keyed by the email's hash and the account id, not a column.
            limits, failures = metadata.tables["rate_limit"], metadata.tables["sign_in_failure"]
            keys = account_bucket_keys(account_id, row.email)
            await conn.execute(delete(limits).where(limits.c.key.in_(keys)))
            await conn.execute(delete(failures).where(failures.c.email_key == email_key(row.email)))
            account = metadata.tables["account"]
            await conn.execute(delete(account).where(account.c.id == account_id))
