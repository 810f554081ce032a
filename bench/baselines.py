"""Raw driver upserts into a field_state-shaped table: the yardstick the sync path is held to.

Same columns, primary key, pull index and merge rule (``ON CONFLICT … DO UPDATE … WHERE``) as the
server's ``field_state``; one transaction per batch; no framework in between. SQLite runs with
WAL and ``synchronous=FULL`` like the server, in a file beside the server's data.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import asyncpg

from bench.server import asyncpg_dsn

# record_id, field, account_id, record_type, value, hlc, seq
Row = tuple[str, str, int, str, str, str, int]

_SET_AND_WHERE = (
    "ON CONFLICT (record_id, field) DO UPDATE SET "
    "value = excluded.value, hlc = excluded.hlc, seq = excluded.seq "
    "WHERE field_state.account_id = excluded.account_id AND ("
    "excluded.hlc > field_state.hlc OR "
    "(excluded.hlc = field_state.hlc AND excluded.value > field_state.value))"
)
_COLUMNS = "(record_id, field, account_id, record_type, value, hlc, seq)"


def _ddl(collate: str) -> list[str]:
    return [
        f"CREATE TABLE field_state (record_id TEXT {collate} NOT NULL, "
        f"field TEXT {collate} NOT NULL, account_id BIGINT NOT NULL, "
        f"record_type VARCHAR(32) NOT NULL, value TEXT {collate} NOT NULL, "
        f"hlc TEXT {collate} NOT NULL, seq BIGINT NOT NULL, PRIMARY KEY (record_id, field))",
        "CREATE UNIQUE INDEX ix_field_state_pull "
        "ON field_state (account_id, seq, record_id, field)",
    ]


class SqliteUpsert:
    """``sqlite3`` executemany, one ``BEGIN IMMEDIATE … COMMIT`` per batch."""

    name = "raw sqlite3 executemany"

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")
        for statement in _ddl(""):
            self.conn.execute(statement)
        self.sql = f"INSERT INTO field_state {_COLUMNS} VALUES (?, ?, ?, ?, ?, ?, ?) " + (
            _SET_AND_WHERE
        )

    async def upsert(self, batches: Sequence[Sequence[Row]]) -> float:
        """Write every batch in its own transaction; return the seconds taken."""
        began = time.perf_counter()
        for rows in batches:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.executemany(self.sql, rows)
            self.conn.execute("COMMIT")
        return time.perf_counter() - began

    async def close(self) -> None:
        self.conn.close()


class PostgresUpsert:
    """asyncpg executemany of a prepared upsert, one transaction per batch."""

    name = "raw asyncpg executemany"

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.sql = f"INSERT INTO field_state {_COLUMNS} VALUES ($1, $2, $3, $4, $5, $6, $7) " + (
            _SET_AND_WHERE
        )

    @classmethod
    async def open(cls, url: str) -> PostgresUpsert:
        conn = await asyncpg.connect(asyncpg_dsn(url))
        for statement in _ddl('COLLATE "C"'):
            await conn.execute(statement)
        return cls(conn)

    async def upsert(self, batches: Sequence[Sequence[Row]]) -> float:
        began = time.perf_counter()
        for rows in batches:
            async with self.conn.transaction():
                await self.conn.executemany(self.sql, rows)
        return time.perf_counter() - began

    async def close(self) -> None:
        await self.conn.close()
