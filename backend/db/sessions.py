"""Web sessions: the rows behind the session cookie, and the word every server process hears
when some of them end (PostgreSQL ``NOTIFY``, sent by the ending transaction at its commit;
each process's listener answers on ``ACK_CHANNEL`` once it has forgotten them)."""

from __future__ import annotations

from typing import NamedTuple

from backend.db.connection import Connection
from backend.db.driver import execute, fetch, is_pg

CHANNEL = "sidewise_sessions"
ACK_CHANNEL = "sidewise_sessions_heard"
LISTENER_NAME = "sidewise-sessions "  # + the listener's id: its connection's application_name


class SessionRow(NamedTuple):
    account_id: int
    email: str
    created_at_ms: int
    expires_at_ms: int


def token_ended(token_hash: str) -> str:
    return f"t:{token_hash}"


def account_ended(account_id: int) -> str:
    return f"a:{account_id}"


async def announce(conn: Connection, message: str) -> None:
    """Tell every process's session cache, once this transaction commits (nothing if it rolls
    back). SQLite runs one server process, which forgets its own entries itself."""
    if is_pg(conn):
        await execute(conn, "SELECT pg_notify(?, ?)", (CHANNEL, message))


async def listeners(conn: Connection) -> set[str]:
    """The ids of the processes listening now (none on SQLite: one process, no listener)."""
    if not is_pg(conn):
        return set()
    sql = (
        "SELECT application_name FROM pg_stat_activity "
        "WHERE datname = current_database() AND starts_with(application_name, ?)"
    )
    return {row[0][len(LISTENER_NAME) :] for row in await fetch(conn, sql, (LISTENER_NAME,))}


async def open_session(
    conn: Connection, token_hash: str, account_id: int, now_ms: int, expires_at_ms: int
) -> None:
    sql = (
        "INSERT INTO web_session (token_hash, account_id, created_at_ms, expires_at_ms) "
        "VALUES (?, ?, ?, ?)"
    )
    await execute(conn, sql, (token_hash, account_id, now_ms, expires_at_ms))


async def lookup(conn: Connection, token_hash: str, now_ms: int) -> SessionRow | None:
    sql = (
        "SELECT a.id, a.email, s.created_at_ms, s.expires_at_ms FROM web_session s "
        "JOIN account a ON a.id = s.account_id WHERE s.token_hash = ? AND s.expires_at_ms > ?"
    )
    rows = await fetch(conn, sql, (token_hash, now_ms))
    return SessionRow(*rows[0]) if rows else None


async def end_session(conn: Connection, token_hash: str) -> None:
    await execute(conn, "DELETE FROM web_session WHERE token_hash = ?", (token_hash,))
    await announce(conn, token_ended(token_hash))


async def end_expired(conn: Connection, account_id: int, now_ms: int) -> None:
    """No announcement: no cache trusts a session past its expiry."""
    sql = "DELETE FROM web_session WHERE account_id = ? AND expires_at_ms <= ?"
    await execute(conn, sql, (account_id, now_ms))


async def end_account_sessions(conn: Connection, account_id: int, keep: str | None = None) -> int:
    """Delete the account's sessions, but the one whose token hash is ``keep``: how many."""
    if keep is None:
        result = await execute(conn, "DELETE FROM web_session WHERE account_id = ?", (account_id,))
    else:
        sql = "DELETE FROM web_session WHERE account_id = ? AND token_hash <> ?"
        result = await execute(conn, sql, (account_id, keep))
    await announce(conn, account_ended(account_id))
    return int(result.rowcount)
