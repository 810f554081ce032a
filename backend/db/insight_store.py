"""The reads behind alert evaluation and charts: limb statuses, exercise kinds, daily figures,
stored alerts. Records of one type are found through ``record``'s (account, type) index."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import msgspec

from backend.db.connection import Connection
from backend.db.daily_rows import READ_COLUMNS, figures_of
from backend.db.driver import execute, fetch, ids, is_pg
from backend.domain.alerts import AlertRecord
from backend.domain.catalogue import CATALOGUE
from backend.domain.limbs import DEFAULT_SESSIONS_PER_WEEK, LimbStatus
from backend.domain.records import DELETED
from backend.domain.strength import DayFigures, Limb

_KINDS = {exercise.id: exercise.limb for exercise in CATALOGUE}
_NAMES = {exercise.id: exercise.name for exercise in CATALOGUE}
_DAILY = ", ".join(READ_COLUMNS)


async def lock_counter(conn: Connection, account_id: int) -> int:
    """The account's sequence, its row locked on PostgreSQL (SQLite's writer is already alone):
    evaluations and pushes of one account take turns, so an alert is never created twice."""
    sql = "SELECT seq FROM sync_counter WHERE account_id = ?"
    if is_pg(conn):
        sql += " FOR UPDATE"
    (row,) = await fetch(conn, sql, (account_id,))
    return int(row[0])


async def mark_evaluated(conn: Connection, account_id: int, seq: int, now_ms: int) -> None:
    await execute(
        conn,
        "UPDATE sync_counter SET evaluated_seq = ?, evaluated_at_ms = ? WHERE account_id = ?",
        (seq, now_ms, account_id),
    )


async def due_accounts(conn: Connection, stale_before_ms: int) -> list[int]:
    """Accounts with changes not yet judged, or not judged since ``stale_before_ms``."""
    sql = (
        "SELECT account_id FROM sync_counter "
        "WHERE seq > evaluated_seq OR (seq > 0 AND evaluated_at_ms < ?)"
    )
    return [row[0] for row in await fetch(conn, sql, (stale_before_ms,))]


async def records_of_type(
    conn: Connection, account_id: int, record_type: str
) -> dict[str, dict[str, Any]]:
    """Existing records of one type: record id -> field -> decoded value."""
    sql = "SELECT record_id FROM record WHERE account_id = ? AND record_type = ?"
    record_ids = [row[0] for row in await fetch(conn, sql, (account_id, record_type))]
    return await _fields(conn, account_id, record_ids)


async def _fields(
    conn: Connection, account_id: int, record_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    if not record_ids:
        return {}
    sql = (
        "SELECT record_id, field, value FROM field_state WHERE +account_id = ? AND record_id {ids}"
    )
    records: dict[str, dict[str, Any]] = {}
    for record_id, field, value in await fetch(conn, sql, (account_id, ids(conn, record_ids))):
        records.setdefault(record_id, {})[field] = msgspec.json.decode(value)
    return {rid: fields for rid, fields in records.items() if fields.get(DELETED) is not True}


async def limb_statuses(conn: Connection, account_id: int) -> list[LimbStatus]:
    out = []
    for fields in (await records_of_type(conn, account_id, "limb_status")).values():
        if {"limb", "status", "since"} <= fields.keys():
            out.append(
                LimbStatus(
                    limb=fields["limb"],
                    status=fields["status"],
                    since=date.fromisoformat(fields["since"]),
                    sessions_per_week=fields.get("sessions_per_week") or DEFAULT_SESSIONS_PER_WEEK,
                )
            )
    return out


async def exercise_kinds(
    conn: Connection, account_id: int, exercises: Sequence[str]
) -> dict[str, str]:
    """arm | leg | other per exercise: the catalogue's, or the custom exercise record's."""
    kinds = {e: _KINDS[e] for e in exercises if e in _KINDS}
    custom = [e for e in exercises if e not in _KINDS]
    for record_id, fields in (await _fields(conn, account_id, custom)).items():
        kinds[record_id] = fields.get("limb", "other")
    return kinds


async def exercise_names(
    conn: Connection, account_id: int, exercises: Sequence[str]
) -> dict[str, str]:
    """Display names: the catalogue's, or the custom exercise record's (absent when unknown)."""
    names = {e: _NAMES[e] for e in exercises if e in _NAMES}
    custom = [e for e in exercises if e not in _NAMES]
    for record_id, fields in (await _fields(conn, account_id, custom)).items():
        if isinstance(fields.get("name"), str):
            names[record_id] = fields["name"]
    return names


async def exercises_since(conn: Connection, account_id: int, first: date) -> list[str]:
    """The exercises with figures from a local day on."""
    sql = "SELECT DISTINCT exercise FROM set_daily WHERE account_id = ? AND day >= ?"
    return sorted(row[0] for row in await fetch(conn, sql, (account_id, first.isoformat())))


async def figures_since(conn: Connection, account_id: int, first: date) -> list[DayFigures]:
    """Every exercise's daily figures from a local day on, by exercise, day, then side."""
    sql = (
        f"SELECT {_DAILY} FROM set_daily WHERE account_id = ? AND day >= ? "  # noqa: S608
        "ORDER BY exercise, day, side"
    )
    return figures_of(await fetch(conn, sql, (account_id, first.isoformat())))


async def side_figures_before(
    conn: Connection, account_id: int, exercises: Sequence[str], side: Limb, before: date
) -> list[DayFigures]:
    """One side's figures of these exercises before a day, by exercise then day."""
    sql = (
        f"SELECT {_DAILY} FROM set_daily WHERE account_id = ? AND exercise {{ids}} "  # noqa: S608
        "AND day < ? AND side = ? ORDER BY exercise, day"
    )
    params = (account_id, ids(conn, sorted(exercises)), before.isoformat(), side)
    return figures_of(await fetch(conn, sql, params))


async def figures(
    conn: Connection,
    account_id: int,
    exercise: str,
    first: date | None = None,
    last: date | None = None,
) -> list[DayFigures]:
    """One exercise's daily figures between two local days (inclusive; None = open)."""
    sql = f"SELECT {_DAILY} FROM set_daily WHERE account_id = ? AND exercise = ?"  # noqa: S608
    params: list[Any] = [account_id, exercise]
    if first is not None:
        sql += " AND day >= ?"
        params.append(first.isoformat())
    if last is not None:
        sql += " AND day <= ?"
        params.append(last.isoformat())
    return figures_of(await fetch(conn, sql + " ORDER BY day, side", tuple(params)))


async def figures_before(
    conn: Connection, account_id: int, exercise: str, side: Limb, before: date
) -> list[DayFigures]:
    """One side's figures before a day: where an injured limb's pre-injury best comes from."""
    sql = (
        f"SELECT {_DAILY} FROM set_daily WHERE account_id = ? AND exercise = ? "  # noqa: S608
        "AND day < ? AND side = ? ORDER BY day"
    )
    return figures_of(await fetch(conn, sql, (account_id, exercise, before.isoformat(), side)))


async def alert_records(conn: Connection, account_id: int) -> list[AlertRecord]:
    out = []
    for record_id, fields in (await records_of_type(conn, account_id, "alert")).items():
        try:
            out.append(msgspec.convert({"record_id": record_id, **fields}, AlertRecord))
        except msgspec.ValidationError:
            continue  # a record still missing fields from a partial sync cannot be reconciled
    return out
