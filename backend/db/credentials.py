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


class SignInRow(NamedTuple):
    id: int
    password_hash: str
    time_zone: str


async def create_account(
    conn: Connection, email: str, password_hash: str, now_ms: int, epoch: str
) -> int | None:
    """A new account and its sync sequence; None when the email is taken."""
    sql = (
        "INSERT INTO account (email, password_hash, created_at_ms) VALUES (?, ?, ?) "
        "ON CONFLICT (email) DO NOTHING RETURNING id"
    )
    rows = await fetch(conn, sql, (email, password_hash, now_ms))
    if not rows:
        return None
    account_id = int(rows[0][0])
    sql = "INSERT INTO sync_counter (account_id, seq, epoch) VALUES (?, 0, ?)"
    await execute(conn, sql, (account_id, epoch))
    return account_id


async def sign_in_row(conn: Connection, email: str) -> SignInRow | None:
    sql = "SELECT id, password_hash, time_zone FROM account WHERE email = ?"
    rows = await fetch(conn, sql, (email,))
    return SignInRow(*rows[0]) if rows else None
