"""Migrations build the schema the tables declare, from an empty database, on both engines."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from backend.db.migrate import alembic_config, upgrade
from backend.db.tables import metadata
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
