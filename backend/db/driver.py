"""How the statements of ``backend.db`` run: written once with ``?`` placeholders.

Driver-level statements skip SQLAlchemy's per-row parameter processing (measured 2× faster on
1,000-row batches). On PostgreSQL ``?`` is renumbered to ``$n``, id lists become ``= ANY($n)``
arrays and bulk inserts one ``unnest`` of column arrays instead of 1,000 executions.

A statement runs on any connection of ``backend.db.connection``: SQLAlchemy's async one; the
raw ``sqlite3`` connection a unit of work holds on SQLite's writer or reader thread, where it
runs at once, with no thread hop; or the asyncpg connection a unit holds on PostgreSQL, which
skips SQLAlchemy's adaptation layer (measured at a third to half of a short statement's cost).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Sequence
from functools import cache
from typing import Any, NamedTuple

import msgspec
from sqlalchemy import text as sql_text

from backend.db.connection import Connection, PgConnection, RawConnection

IDS = "{ids}"  # marks "column matches one of a list of ids" in a statement
INT_IDS = "{int_ids}"  # the same for integer ids


class Column(NamedTuple):
    name: str
    pg_type: str  # element type of the array that carries this column into unnest


def text(*names: str) -> list[Column]:
    return [Column(name, "text") for name in names]


def bigint(*names: str) -> list[Column]:
    return [Column(name, "bigint") for name in names]


@cache
def render(sql: str, postgres: bool) -> str:
    if not postgres:
        json_list = "IN (SELECT value FROM json_each(?))"
        return sql.replace(IDS, json_list).replace(INT_IDS, json_list)
    sql = sql.replace(IDS, "= ANY(?::text[])").replace(INT_IDS, "= ANY(?::bigint[])")
    numbers = iter(range(1, sql.count("?") + 1))
    return re.sub(r"\?", lambda _m: f"${next(numbers)}", sql)


def is_pg(conn: Connection) -> bool:
    if isinstance(conn, PgConnection):
        return True
    return not isinstance(conn, RawConnection) and conn.dialect.name == "postgresql"


@cache
def _returns_rows(sql: str) -> bool:
    upper = sql.lstrip().upper()
    return upper.startswith(("SELECT", "WITH", "VALUES")) or "RETURNING" in upper


def ids(conn: Connection, values: Sequence[str] | Sequence[int]) -> Any:
    """The parameter for ``{ids}`` (text) or ``{int_ids}`` (integers)."""
    return list(values) if is_pg(conn) else msgspec.json.encode(list(values)).decode()


class _RawResult:
    """The two things callers read from a result: its rows and how many it touched."""

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def all(self) -> list[Any]:
        return self._rows


async def execute(conn: Connection, sql: str, params: tuple[Any, ...]) -> Any:
    if isinstance(conn, RawConnection):
        cursor = conn.raw.execute(render(sql, False), params)
        return _RawResult(cursor.fetchall() if cursor.description else [], cursor.rowcount)
    if isinstance(conn, PgConnection):
        return await _pg_execute(conn, render(sql, True), params)
    return await conn.exec_driver_sql(render(sql, is_pg(conn)), params)


async def _pg_execute(conn: PgConnection, sql: str, params: tuple[Any, ...]) -> _RawResult:
    if _returns_rows(sql):
        rows = [tuple(record) for record in await conn.raw.fetch(sql, *params)]
        return _RawResult(rows, len(rows))
    status = await conn.raw.execute(sql, *params)  # e.g. "INSERT 0 3": the count comes last
    return _RawResult([], int(status.rsplit(" ", 1)[-1]) if status[-1:].isdigit() else -1)


async def fetch(conn: Connection, sql: str, params: tuple[Any, ...]) -> list[Any]:
    return list((await execute(conn, sql, params)).all())


async def execute_many(conn: Connection, sql: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """One prepared statement run once per row."""
    if not rows:
        return
    if isinstance(conn, RawConnection):
        conn.raw.executemany(render(sql, False), rows)
    elif isinstance(conn, PgConnection):
        await conn.raw.executemany(render(sql, True), rows)
    else:
        await conn.exec_driver_sql(render(sql, is_pg(conn)), list(rows))


async def stream(
    conn: Connection, sql: str, params: tuple[Any, ...], page: int
) -> AsyncIterator[list[tuple[Any, ...]]]:
    """Rows a page at a time from a server-side cursor (SQLAlchemy streams only its own
    statements, so the ``?`` marks become its named parameters)."""
    assert not isinstance(conn, RawConnection | PgConnection), "streams run on SQLAlchemy's"
    numbers = iter(range(len(params)))
    named = re.sub(r"\?", lambda _m: f":p{next(numbers)}", sql)
    result = await conn.stream(sql_text(named), {f"p{i}": v for i, v in enumerate(params)})
    async for rows in result.partitions(page):
        yield [tuple(row) for row in rows]


async def bulk(
    conn: Connection,
    table: str,
    columns: list[Column],
    rows: Sequence[tuple[Any, ...]],
    on_conflict: str,
    returning: str = "",
) -> list[Any]:
    """Insert ``rows`` in one statement on PostgreSQL, one prepared executemany on SQLite.

    ``returning`` (PostgreSQL only: SQLite's executemany returns no rows) names columns of the
    rows the statement wrote.
    """
    if not rows:
        return []
    postgres = is_pg(conn)
    sql = _bulk_sql(table, tuple(columns), on_conflict, returning, postgres)
    if postgres:
        result = await execute(conn, sql, tuple(list(values) for values in zip(*rows, strict=True)))
        return list(result.all()) if returning else []
    assert not returning, "SQLite's executemany returns no rows"
    await execute_many(conn, sql, rows)
    return []


@cache
def _bulk_sql(
    table: str, columns: tuple[Column, ...], on_conflict: str, returning: str, postgres: bool
) -> str:
    # Table and column names are this package's constants, never input.
    names = ", ".join(c.name for c in columns)
    if not postgres:
        marks = ", ".join("?" for _ in columns)
        return f"INSERT INTO {table} ({names}) VALUES ({marks}) {on_conflict}"  # noqa: S608
    arrays = ", ".join(f"?::{c.pg_type}[]" for c in columns)
    sql = f"INSERT INTO {table} ({names}) SELECT * FROM unnest({arrays}) {on_conflict}"  # noqa: S608
    return f"{sql} RETURNING {returning}" if returning else sql
