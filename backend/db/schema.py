"""Which migration a database is at, and whether this code can serve it.

``serve`` and ``dispatch`` refuse a database with no schema or one behind this release's head:
every request would fail on a missing table or column. A revision this release does not know
was written by a newer release; migrations only add (deploy/README.md, Upgrades), so an older
release still serves it — that is what makes rolling upgrades and rollbacks work.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine
from sqlalchemy.pool import NullPool

from backend.db.connection import Connection as UnitConnection
from backend.db.driver import fetch, is_pg

if TYPE_CHECKING:
    from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).with_name("migrations")
VERSION_TABLE = "alembic_version"


class SchemaNotCurrent(RuntimeError):
    """The database is behind this release's schema; the message says what to run."""


@cache
def _scripts() -> ScriptDirectory:
    # Imported on first use: the server's start-up (and each restart) need not pay for it.
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(MIGRATIONS))


def head_revision() -> str:
    head = _scripts().get_current_head()
    if head is None:
        raise RuntimeError(f"no migrations in {MIGRATIONS}")
    return head


def is_newer(revision: str | None) -> bool:
    """Written by a later release: not among this release's migrations."""
    return revision is not None and all(
        script.revision != revision for script in _scripts().walk_revisions()
    )


def serves(revision: str | None) -> bool:
    return revision == head_revision() or is_newer(revision)


async def stamped_revision(conn: UnitConnection) -> str | None:
    """``read_revision`` as a unit of reads: two short statements where the inspector took
    several catalogue queries (health checks call it on every probe)."""
    exists = (
        "SELECT count(*) FROM pg_class WHERE oid = to_regclass('alembic_version')"
        if is_pg(conn)
        else "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'"
    )
    ((found,),) = await fetch(conn, exists, ())
    if not found:
        return None
    rows = await fetch(conn, "SELECT version_num FROM alembic_version", ())
    return str(rows[0][0]) if rows else None


async def read_revision(conn: AsyncConnection) -> str | None:
    """The revision stamped in the database; None when it was never migrated."""

    # Plain SQL rather than Alembic's MigrationContext, which logs a line each time.
    def read(sync: Connection) -> str | None:
        if not inspect(sync).has_table(VERSION_TABLE):
            return None
        revision = sync.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return None if revision is None else str(revision)

    return await conn.run_sync(read)


def _absent_sqlite_file(url: str) -> bool:
    parsed = make_url(url)
    return parsed.get_backend_name() == "sqlite" and not Path(parsed.database or "").exists()


async def revision_at(url: str) -> str | None:
    """The revision of the database at ``url``, without creating a SQLite file that is absent."""
    if _absent_sqlite_file(url):
        return None
    engine = create_async_engine(url, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            return await read_revision(conn)
    finally:
        await engine.dispose()


def describe(url: str) -> str:
    """The database for messages: the SQLite file, or the server and name (never a password)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"SQLite file {parsed.database}"
    return f"PostgreSQL database {parsed.database} on {parsed.host or 'localhost'}"


def newer_note(url: str, revision: str) -> str:
    return (
        f"the {describe(url)} is at revision {revision}, newer than this release's "
        f"{head_revision()} (a later release migrated it; migrations only add, so this one "
        "still runs on it)"
    )


async def require_servable(url: str) -> str:
    """The database's revision, or SchemaNotCurrent naming the command that fixes it."""
    revision = await revision_at(url)
    if revision is not None and serves(revision):
        return revision
    found = "has no schema" if revision is None else f"is at revision {revision}"
    raise SchemaNotCurrent(
        f"the {describe(url)} {found}, but this Sidewise needs revision {head_revision()}: "
        "run `sidewise migrate` first"
    )
