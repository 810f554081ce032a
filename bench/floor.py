"""The floor: a push's logical writes done by the raw driver, with nothing in between.

The same tables as the server (migrated by ``backend.db.migrate``), the same rows: in one
transaction bump the account's sequence, log the ops, claim the record ids, upsert the merged
fields (merge rule in the ``WHERE``), upsert ``logged_set``, re-derive ``set_daily`` for the
touched (exercise, local day) keys from those days' sets and ``set_weekly`` for their weeks from
those weeks' days. SQLite runs in WAL with
``synchronous=FULL`` like the server; PostgreSQL through asyncpg with one array (``unnest``)
statement per table. A pull is the counter and one keyset page. ``rows`` reads an account's
rows back, so a benchmark can check the floor wrote exactly what the server did.

The benchmarks print the server's figures as ratios to these.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import asyncpg

from backend.db.daily_rows import READ_COLUMNS, figures_of
from backend.db.engine import PG_SERVER_SETTINGS
from backend.db.migrate import upgrade
from backend.db.weekly import COLUMNS as WEEK_COLUMNS
from backend.db.weekly import rows_of as weekly_rows
from backend.db.weekly import windows_of
from backend.domain.strength import week_start
from bench.floor_plan import (
    COMPARED,
    COMPLETE,
    DAILY_COLUMNS,
    MERGE,
    OPS_SQL,
    SET_COLUMNS,
    SET_UPSERT,
    WEEK_INSERT,
    Plan,
    figures,
)
from bench.server import asyncpg_dsn


class SqliteFloor:
    name = "raw sqlite3, one transaction"

    def __init__(self, path: Path) -> None:
        self.conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=FULL")

    @classmethod
    async def open(cls, path: Path) -> SqliteFloor:
        await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{path}")
        return cls(path)

    async def add_account(self, account_id: int, zone: str = "UTC") -> None:
        self.conn.execute(
            "INSERT INTO account (id, email, password_hash, created_at_ms, time_zone) "
            "VALUES (?, ?, '-', 0, ?)",
            (account_id, f"floor{account_id}@example.com", zone),
        )
        self.conn.execute(
            "INSERT INTO sync_counter (account_id, seq, epoch) VALUES (?, 0, ?)",
            (account_id, "0" * 16),
        )

    async def push(self, plan: Plan) -> float:
        """Write one push's rows in one transaction; the seconds it took."""
        began = time.perf_counter()
        c, account_id = self.conn, plan.account_id
        c.execute("BEGIN IMMEDIATE")
        ((seq,),) = c.execute(
            "UPDATE sync_counter SET seq = seq + 1 WHERE account_id = ? RETURNING seq",
            (account_id,),
        ).fetchall()
        ((zone_name,),) = c.execute("SELECT time_zone FROM account WHERE id = ?", (account_id,))
        c.executemany(OPS_SQL.format(", ".join("?" * 10)), [(*r[:8], seq, r[8]) for r in plan.ops])
        c.executemany(
            "INSERT INTO record (record_id, account_id, record_type) VALUES (?, ?, ?) "
            "ON CONFLICT (record_id) DO NOTHING",
            plan.records,
        )
        c.executemany(
            "INSERT INTO field_state (record_id, field, account_id, record_type, value, hlc, seq) "
            f"VALUES (?, ?, ?, ?, ?, ?, ?) {MERGE}",
            [(*row, seq) for row in plan.fields],
        )
        c.executemany(
            f"INSERT INTO logged_set ({', '.join(SET_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(SET_COLUMNS))}) {SET_UPSERT}",
            [(*row, seq) for row in plan.sets],
        )
        zone = ZoneInfo(zone_name)
        keys, windows = plan.days(zone)
        sets: list[Any] = []
        for exercise, low, high in windows:
            sets += c.execute(
                "SELECT exercise, side, reps, weight_g, performed_at_ms FROM logged_set "
                "WHERE account_id = ? AND exercise = ? AND performed_at_ms >= ? "
                f"AND performed_at_ms < ? AND {COMPLETE}",
                (account_id, exercise, low, high),
            ).fetchall()
        c.executemany(
            "DELETE FROM set_daily WHERE account_id = ? AND exercise = ? AND day = ?",
            [(account_id, exercise, day.isoformat()) for exercise, day in keys],
        )
        c.executemany(
            f"INSERT INTO set_daily ({DAILY_COLUMNS}) VALUES ({', '.join('?' * 12)})",
            figures(account_id, zone, keys, sets),
        )
        weeks = windows_of((exercise, week_start(day)) for exercise, day in keys)
        days: list[Any] = []
        for window in weeks:
            days += c.execute(
                f"SELECT {', '.join(READ_COLUMNS)} FROM set_daily WHERE account_id = ? "
                "AND exercise = ? AND day >= ? AND day <= ?",
                (account_id, *window),
            ).fetchall()
        c.executemany(
            "DELETE FROM set_weekly WHERE account_id = ? AND exercise = ? AND week >= ? "
            "AND week <= ?",
            [(account_id, *window) for window in weeks],
        )
        c.executemany(WEEK_INSERT, weekly_rows(account_id, figures_of(days)))
        c.execute("COMMIT")
        return time.perf_counter() - began

    async def pull(self, account_id: int, after: tuple[int, str, str], limit: int) -> float:
        began = time.perf_counter()
        self.conn.execute("BEGIN")
        self.conn.execute("SELECT seq, epoch FROM sync_counter WHERE account_id = ?", (account_id,))
        self.conn.execute(
            "SELECT record_type, record_id, field, value, hlc, seq FROM field_state "
            "WHERE account_id = ? AND (seq, record_id, field) > (?, ?, ?) "
            "ORDER BY seq, record_id, field LIMIT ?",
            (account_id, *after, limit),
        ).fetchall()
        self.conn.execute("COMMIT")
        return time.perf_counter() - began

    async def rows(self, account_id: int) -> dict[str, list[tuple[Any, ...]]]:
        return sqlite_rows(self.conn, account_id)

    async def close(self) -> None:
        self.conn.close()


def sqlite_rows(conn: sqlite3.Connection, account_id: int) -> dict[str, list[tuple[Any, ...]]]:
    """An account's rows of the compared tables, sorted."""
    return {
        table: sorted(
            conn.execute(f"SELECT {columns} FROM {table} WHERE account_id = ?", (account_id,))
        )
        for table, columns in COMPARED.items()
    }


async def postgres_rows(conn: Any, account_id: int) -> dict[str, list[tuple[Any, ...]]]:
    out = {}
    for table, columns in COMPARED.items():
        rows = await conn.fetch(f"SELECT {columns} FROM {table} WHERE account_id = $1", account_id)
        out[table] = sorted(tuple(row) for row in rows)
    return out


class PostgresFloor:
    name = "raw asyncpg, one transaction of array statements"

    def __init__(self, pool: Any) -> None:
        self.pool = pool  # one connection per push in flight, as the server's pool

    @classmethod
    async def open(cls, url: str) -> PostgresFloor:
        await asyncio.to_thread(upgrade, url)
        # Planned as the server's statements are (each run for its parameters).
        pool = await asyncpg.create_pool(
            asyncpg_dsn(url), min_size=2, max_size=16, server_settings=PG_SERVER_SETTINGS
        )
        return cls(pool)

    async def add_account(self, account_id: int, zone: str = "UTC") -> None:
        await self.pool.execute(
            "INSERT INTO account (id, email, password_hash, created_at_ms, time_zone) "
            "VALUES ($1, $2, '-', 0, $3)",
            account_id,
            f"floor{account_id}@example.com",
            zone,
        )
        await self.pool.execute(
            "INSERT INTO sync_counter (account_id, seq, epoch) VALUES ($1, 0, $2)",
            account_id,
            "0" * 16,
        )

    async def push(self, plan: Plan) -> float:
        async with self.pool.acquire() as conn:
            return await self._push(conn, plan)

    async def _push(self, c: Any, plan: Plan) -> float:
        began = time.perf_counter()
        account_id = plan.account_id
        async with c.transaction():
            seq, zone_name = await c.fetchrow(
                "UPDATE sync_counter SET seq = seq + 1 WHERE account_id = $1 "
                "RETURNING seq, (SELECT time_zone FROM account WHERE id = $1)",
                account_id,
            )
            ops = list(zip(*plan.ops, strict=True))
            await c.execute(
                "INSERT INTO op_log (op_id, account_id, device_id, record_type, record_id, field, "
                "value, hlc, seq, received_at_ms) SELECT o, a, d, t, r, f, v, h, $9, n FROM "
                "unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[], "
                "$7::text[], $8::text[], $10::bigint[]) AS x(o, a, d, t, r, f, v, h, n) "
                "ON CONFLICT (op_id) DO NOTHING",
                *ops[:8],
                seq,
                ops[8],
            )
            records = list(zip(*plan.records, strict=True))
            await c.execute(
                "INSERT INTO record (record_id, account_id, record_type) "
                "SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[]) "
                "ON CONFLICT (record_id) DO NOTHING",
                *records,
            )
            fields = list(zip(*plan.fields, strict=True))
            await c.execute(
                "INSERT INTO field_state (record_id, field, account_id, record_type, value, hlc, "
                "seq) SELECT r, f, a, t, v, h, $7 FROM unnest($1::text[], $2::text[], "
                "$3::bigint[], $4::text[], $5::text[], $6::text[]) AS x(r, f, a, t, v, h) "
                f"{MERGE}",
                *fields,
                seq,
            )
            sets = list(zip(*plan.sets, strict=True))
            types = ["text", "bigint", "text", "text", *["bigint"] * 5, "text"]
            arrays = ", ".join(f"${i}::{t}[]" for i, t in enumerate(types, start=1))
            await c.execute(
                f"INSERT INTO logged_set ({', '.join(SET_COLUMNS)}) SELECT *, $11::bigint "
                f"FROM unnest({arrays}) {SET_UPSERT}",
                *sets,
                seq,
            )
            zone = ZoneInfo(zone_name)
            keys, windows = plan.days(zone)
            read = await c.fetch(
                "SELECT exercise, side, reps, weight_g, performed_at_ms FROM logged_set JOIN "
                "unnest($1::text[], $2::bigint[], $3::bigint[]) AS w(ex, lo, hi) ON "
                "exercise = w.ex AND performed_at_ms >= w.lo AND performed_at_ms < w.hi "
                f"WHERE account_id = $4 AND {COMPLETE}",
                *(list(column) for column in zip(*windows, strict=True)),
                account_id,
            )
            await c.execute(
                "DELETE FROM set_daily d USING unnest($1::text[], $2::text[]) AS k(ex, day) "
                "WHERE d.account_id = $3 AND d.exercise = k.ex AND d.day = k.day",
                [exercise for exercise, _ in keys],
                [day.isoformat() for _, day in keys],
                account_id,
            )
            daily = list(zip(*figures(account_id, zone, keys, list(read)), strict=True))
            daily_types = ["bigint", "text", "text", "text", *["bigint"] * 8]
            arrays = ", ".join(f"${i}::{t}[]" for i, t in enumerate(daily_types, start=1))
            await c.execute(
                f"INSERT INTO set_daily ({DAILY_COLUMNS}) SELECT * FROM unnest({arrays})",
                *daily,
            )
            weeks = [
                list(column)
                for column in zip(
                    *windows_of((exercise, week_start(day)) for exercise, day in keys), strict=True
                )
            ]
            days = await c.fetch(
                f"SELECT {', '.join(READ_COLUMNS)} FROM set_daily JOIN unnest($1::text[], "
                "$2::text[], $3::text[]) AS k(ex, lo, hi) ON exercise = k.ex AND day >= k.lo "
                "AND day <= k.hi WHERE account_id = $4",
                *weeks,
                account_id,
            )
            await c.execute(
                "DELETE FROM set_weekly w USING unnest($1::text[], $2::text[], $3::text[]) AS "
                "k(ex, lo, hi) WHERE w.account_id = $4 AND w.exercise = k.ex "
                "AND w.week >= k.lo AND w.week <= k.hi",
                *weeks,
                account_id,
            )
            week_types = ["bigint", "text", "text", "bigint", "bigint", "bigint", "text", "text"]
            arrays = ", ".join(f"${i}::{t}[]" for i, t in enumerate(week_types, start=1))
            await c.execute(
                f"INSERT INTO set_weekly ({', '.join(WEEK_COLUMNS)}) "
                f"SELECT * FROM unnest({arrays})",
                *zip(*weekly_rows(account_id, figures_of([tuple(d) for d in days])), strict=True),
            )
        return time.perf_counter() - began

    async def pull(self, account_id: int, after: tuple[int, str, str], limit: int) -> float:
        began = time.perf_counter()
        async with self.pool.acquire() as conn, conn.transaction():
            sql = "SELECT seq, epoch FROM sync_counter WHERE account_id = $1"
            await conn.fetchrow(sql, account_id)
            await conn.fetch(
                "SELECT record_type, record_id, field, value, hlc, seq FROM field_state "
                "WHERE account_id = $1 AND (seq, record_id, field) > ($2, $3, $4) "
                "ORDER BY seq, record_id, field LIMIT $5",
                account_id,
                *after,
                limit,
            )
        return time.perf_counter() - began

    async def rows(self, account_id: int) -> dict[str, list[tuple[Any, ...]]]:
        async with self.pool.acquire() as conn:
            return await postgres_rows(conn, account_id)

    async def close(self) -> None:
        await self.pool.close()


Floor = SqliteFloor | PostgresFloor
