"""Migrations build the schema the tables declare, from an empty database, on both engines."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from backend.db.daily_rows import COLUMNS as DAILY_COLUMNS
from backend.db.daily_rows import row_of
from backend.db.migrate import alembic_config, upgrade
from backend.db.tables import metadata
from backend.db.weekly import COLUMNS as WEEK_COLUMNS
from backend.db.weekly import rows_of
from backend.domain.strength import DayFigures
from tests.support.databases import POSTGRES_URL, PostgresDatabase, sqlite_url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(tmp_path / "nested" / "dir" / "fresh.db")
        return
    if not POSTGRES_URL:
        pytest.skip("SIDEWISE_TEST_POSTGRES_URL is not set (CI sets it)")
    database = PostgresDatabase(POSTGRES_URL)
    asyncio.run(database._admin(f'CREATE DATABASE "{database.name}"'))
    try:
        yield database.url
    finally:
        database.drop()


def schema_diff(url: str) -> list[object]:
    async def run() -> list[object]:
        engine = create_async_engine(url, poolclass=NullPool)
        async with engine.connect() as conn:
            diff = await conn.run_sync(
                lambda sync_conn: compare_metadata(
                    MigrationContext.configure(sync_conn, opts={"compare_type": True}), metadata
                )
            )
        await engine.dispose()
        return list(diff)

    return asyncio.run(run())


def tables(url: str) -> set[str]:
    async def run() -> set[str]:
        engine = create_async_engine(url, poolclass=NullPool)
        async with engine.connect() as conn:
            names = await conn.run_sync(
                lambda c: set(c.dialect.get_table_names(c)) - {"alembic_version"}
            )
        await engine.dispose()
        return names

    return asyncio.run(run())


def test_a_percent_escaped_password_reaches_alembic_unchanged() -> None:
    url = "postgresql+asyncpg://sidewise:p%40ss%2Fword@db.internal:5432/sidewise"
    assert alembic_config(url).get_main_option("sqlalchemy.url") == url


def test_upgrade_from_empty_matches_the_tables(empty_url: str) -> None:
    upgrade(empty_url)
    assert tables(empty_url) == set(metadata.tables)
    assert schema_diff(empty_url) == []


def test_upgrade_is_idempotent_and_downgrade_reverses(empty_url: str) -> None:
    upgrade(empty_url)
    upgrade(empty_url)
    command.downgrade(alembic_config(empty_url), "base")
    assert tables(empty_url) == set()
    upgrade(empty_url)
    assert schema_diff(empty_url) == []


def test_postgres_compares_hlc_and_values_bytewise(empty_url: str) -> None:
    if not empty_url.startswith("postgresql"):
        pytest.skip("collation applies to PostgreSQL; SQLite compares bytes by default")
    upgrade(empty_url)

    async def collations() -> dict[tuple[str, str], str]:
        engine = create_async_engine(empty_url, poolclass=NullPool)
        async with engine.connect() as conn:
            rows = await conn.execute(
                text(
                    "SELECT table_name, column_name, collation_name FROM "
                    "information_schema.columns WHERE column_name IN ('hlc', 'value')"
                )
            )
            found = {(r.table_name, r.column_name): r.collation_name for r in rows}
        await engine.dispose()
        return found

    assert set(asyncio.run(collations()).values()) == {"C"}


def test_the_weekly_aggregate_is_filled_from_the_daily_one(empty_url: str) -> None:
    """A database with days before the weekly aggregate existed gets every week of them."""
    upgrade(empty_url, "0005")
    figures = [
        DayFigures("single-leg-press", date(2026, 11, day), side, 3, volume, *best)
        for day, side, volume, best in (
            (15, "left", 1_000, (70_000, 60_000, 5, 69_231, 60_000, 5)),  # a Sunday
            (16, "left", 2_000, (None, None, None, None, None, None)),  # the next Monday
            (16, "right", 3_000, (63_333, 50_000, 8, 62_069, 50_000, 8)),
            (22, "right", 4_000, (62_069, 60_000, 1, 60_000, 60_000, 1)),
        )
    ]
    columns = ", ".join(DAILY_COLUMNS)

    async def fill() -> None:
        engine = create_async_engine(empty_url, poolclass=NullPool)
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    f"INSERT INTO set_daily ({columns}) "
                    f"VALUES ({', '.join(':' + c for c in DAILY_COLUMNS)})"
                ),
                [dict(zip(DAILY_COLUMNS, row_of(7, f), strict=True)) for f in figures],
            )
        await engine.dispose()

    async def weeks() -> list[tuple[object, ...]]:
        engine = create_async_engine(empty_url, poolclass=NullPool)
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text(f"SELECT {', '.join(WEEK_COLUMNS)} FROM set_weekly ORDER BY week")
                )
            ).all()
        await engine.dispose()
        return [tuple(row) for row in rows]

    asyncio.run(fill())
    upgrade(empty_url)
    assert asyncio.run(weeks()) == rows_of(7, figures)
    assert [row[2:6] for row in asyncio.run(weeks())] == [
        ("2026-11-09", 1_000, 0, 1),
        ("2026-11-16", 2_000, 7_000, 2),
    ]
