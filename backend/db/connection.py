"""The connection a transaction runs on. Services only hand it from one ``backend.db`` call to
the next; the statements live in ``backend.db``."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

Connection = AsyncConnection
