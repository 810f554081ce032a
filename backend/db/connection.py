"""The connection a transaction runs on. Services only hand it from one ``backend.db`` call to
the next; the statements live in ``backend.db``."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection


@dataclass(frozen=True, slots=True)
class RawConnection:
    """SQLite's raw connection, held by a unit of work on the thread that owns it."""

    raw: sqlite3.Connection


@dataclass(frozen=True, slots=True)
class PgConnection:
    """PostgreSQL's asyncpg connection, held by a unit of work inside its own transaction."""

    raw: Any  # asyncpg.Connection: asyncpg ships no type information
    turn_of: int | None = None  # the account whose turn the transaction took as it began


Connection = AsyncConnection | RawConnection | PgConnection
