"""An account's sign-in: its email, password hash and web sessions."""

from __future__ import annotations

from typing import NamedTuple

from backend.db.connection import Connection
from backend.db.driver import execute, fetch


class Login(NamedTuple):
    email: str
    password_hash: str


async def account_of_email(conn: Connection, email: str) -> int | None:
    rows = await fetch(conn, "SELECT id FROM account WHERE email = ?", (email,))
    return int(rows[0][0]) if rows else None


async def login(conn: Connection, account_id: int) -> Login | None:
    rows = await fetch(conn, "SELECT email, password_hash FROM account WHERE id = ?", (account_id,))
    return Login(*rows[0]) if rows else None


async def set_password_hash(conn: Connection, account_id: int, password_hash: str) -> None:
    sql = "UPDATE account SET password_hash = ? WHERE id = ?"
    await execute(conn, sql, (password_hash, account_id))


async def end_sessions(conn: Connection, account_id: int, keep: str | None = None) -> int:
    """Delete the account's sessions, but the one whose token hash is ``keep``: how many."""
    if keep is None:
        result = await execute(conn, "DELETE FROM web_session WHERE account_id = ?", (account_id,))
    else:
        sql = "DELETE FROM web_session WHERE account_id = ? AND token_hash <> ?"
        result = await execute(conn, sql, (account_id, keep))
    return int(result.rowcount)
