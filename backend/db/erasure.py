"""Erasing an account: every row of every table that names it, children before parents."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, delete
from sqlalchemy.ext.asyncio import AsyncConnection as Connection

from backend.db.sessions import account_ended, announce
from backend.db.tables import metadata


def account_tables() -> list[Table]:
    """Every table with an ``account_id`` column, children before parents: a table added
    later is erased too without touching this module."""
    return [table for table in reversed(metadata.sorted_tables) if "account_id" in table.c]


async def erase(
    conn: Connection, account_id: int, bucket_keys: Sequence[str], email_key: str
) -> None:
    """Delete the account's rows, its throttling state (keyed by ``bucket_keys`` and the
    email's hash, not by a column) and the account itself."""
    for table in account_tables():
        await conn.execute(delete(table).where(table.c.account_id == account_id))
    limits, failures = metadata.tables["rate_limit"], metadata.tables["sign_in_failure"]
    await conn.execute(delete(limits).where(limits.c.key.in_(list(bucket_keys))))
    await conn.execute(delete(failures).where(failures.c.email_key == email_key))
    account = metadata.tables["account"]
    await conn.execute(delete(account).where(account.c.id == account_id))
    await announce(conn, account_ended(account_id))  # its sessions end with it
