"""Test databases: a migrated SQLite file per test, and one migrated PostgreSQL database per
session (tables emptied between tests). PostgreSQL runs where SIDEWISE_TEST_POSTGRES_URL is set."""

from __future__ import annotations

import asyncio
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

from backend.db.migrate import upgrade
from backend.db.tables import metadata

POSTGRES_URL = os.environ.get("SIDEWISE_TEST_POSTGRES_URL", "")
ENGINES = ["sqlite", "postgresql"]
TABLES = sorted(metadata.tables)


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


class SqliteTemplate:
    """Migrating once and copying the file keeps each test's database fresh and cheap."""

    def __init__(self, directory: Path) -> None:
        self.path = directory / "template.db"
        upgrade(sqlite_url(self.path))

    def fresh(self, directory: Path) -> str:
        target = directory / "sidewise.db"
        shutil.copyfile(self.path, target)
        return sqlite_url(target)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class PostgresDatabase:
    """A throwaway database created next to the one SIDEWISE_TEST_POSTGRES_URL names."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.name = f"sidewise_test_{secrets.token_hex(4)}"
        self.url = make_url(base_url).set(database=self.name).render_as_string(hide_password=False)

    def create(self) -> None:
        asyncio.run(self._admin(f'CREATE DATABASE "{self.name}"'))
        upgrade(self.url)

    def drop(self) -> None:
        asyncio.run(self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)'))

    async def _admin(self, sql: str) -> None:
        conn = await asyncpg.connect(_dsn(self.base_url))
        try:
            await conn.execute(sql)
        finally:
            await conn.close()

    async def truncate(self) -> None:
        conn = await asyncpg.connect(_dsn(self.url))
        try:
            tables = ", ".join(f'"{name}"' for name in TABLES)
            await conn.execute(f"TRUNCATE {tables} RESTART IDENTITY")
        finally:
            await conn.close()


def postgres_session() -> Iterator[PostgresDatabase | None]:
    if not POSTGRES_URL:
        yield None
        return
    database = PostgresDatabase(POSTGRES_URL)
    database.create()
    try:
        yield database
    finally:
        database.drop()
