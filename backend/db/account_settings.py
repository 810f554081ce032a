"""The account's own settings on its ``account`` row: time zone and quiet hours."""

from __future__ import annotations

from typing import NamedTuple

from backend.db.connection import Connection
from backend.db.driver import execute, fetch
from backend.domain.schedule import QuietHours


class AccountQuiet(NamedTuple):
    time_zone: str  # the account's zone: alert pushes wait out quiet hours on its clock
    quiet: QuietHours | None


async def quiet_of(conn: Connection, account_id: int) -> AccountQuiet:
    sql = "SELECT time_zone, quiet_start, quiet_end FROM account WHERE id = ?"
    ((zone, start, end),) = await fetch(conn, sql, (account_id,))
    return AccountQuiet(zone, None if start is None else QuietHours(start=start, end=end))


async def set_quiet(conn: Connection, account_id: int, start: str | None, end: str | None) -> None:
    sql = "UPDATE account SET quiet_start = ?, quiet_end = ? WHERE id = ?"
    await execute(conn, sql, (start, end, account_id))


async def time_zone_of(conn: Connection, account_id: int) -> str:
    ((zone,),) = await fetch(conn, "SELECT time_zone FROM account WHERE id = ?", (account_id,))
    return str(zone)


async def set_time_zone(conn: Connection, account_id: int, name: str) -> None:
    await execute(conn, "UPDATE account SET time_zone = ? WHERE id = ?", (name, account_id))
