"""Alembic migrations, run by ``sidewise migrate`` and by the tests on both engines."""

from __future__ import annotations

import asyncio

from alembic import command
from alembic.config import Config

from backend.db.engine import ensure_sqlite_dir
from backend.db.schema import MIGRATIONS, describe, head_revision, is_newer, newer_note, revision_at


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Alembic keeps options in a ConfigParser, to which "%" is syntax; URLs carry it in
    # percent-escaped passwords.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at ``url`` to ``revision``. Blocking: call it outside the event loop."""
    ensure_sqlite_dir(url)
    command.upgrade(alembic_config(url), revision)


def migrate(url: str) -> str:
    """``sidewise migrate``: upgrade to the head and say what that did. Blocking."""
    before = asyncio.run(revision_at(url))
    if before is not None and is_newer(before):
        # A rollback runs the older release's migrate: leave the newer schema as it is.
        return newer_note(url, before) + "; left unchanged"
    upgrade(url)
    head = head_revision()
    if before is None:
        return f"created the database schema at revision {head} in the {describe(url)}"
    if before == head:
        return f"the {describe(url)} is already at revision {head}"
    return f"upgraded the {describe(url)} from revision {before} to {head}"
