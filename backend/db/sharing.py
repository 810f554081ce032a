"""Clinician sharing: ``share_code``, ``care_grant``, ``access_event`` and ``patient_summary``.

A clinician's every read goes through ``care_grant`` in the reading transaction, never through
a cache, so a revocation or an erased account counts on the next request of any worker.
``access_event`` is only ever inserted into (and erased with the patient's account).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from backend.db.connection import Connection
from backend.db.driver import bigint, bulk, execute, fetch, is_pg, text


class CodeRow(NamedTuple):
    clinician_id: int
    name: str | None
    email: str
    expires_at_ms: int
    used_at_ms: int | None


class GrantRow(NamedTuple):
    id: int
    clinician_id: int
    clinician_label: str
    scope: str
    created_at_ms: int
    updated_at_ms: int


class PatientRow(NamedTuple):
    """One granted patient, with what is needed to tell whether the stored summary is current."""

    patient_id: int
    email: str
    scope: str
    clinician_label: str  # as the patient's log names this clinician
    granted_at_ms: int
    time_zone: str
    seq: int  # the patient's sync sequence now
    summary_seq: int | None  # and when the stored summary was built (None: never)
    summary_day: str | None
    summary: str | None  # JSON


class EventRow(NamedTuple):
    clinician_label: str
    kind: str
    detail: str | None
    at_ms: int


class SetRow(NamedTuple):
    exercise: str | None
    side: str | None
    reps: int | None
    weight_g: int | None
    rpe_x10: int | None
    performed_at_ms: int | None
    note: str | None


async def insert_code(
    conn: Connection, key: str, clinician_id: int, name: str | None, now: int, expires: int
) -> None:
    sql = (
        "INSERT INTO share_code (code_key, account_id, name, created_at_ms, expires_at_ms) "
        "VALUES (?, ?, ?, ?, ?)"
    )
    await execute(conn, sql, (key, clinician_id, name, now, expires))


async def code(conn: Connection, key: str) -> CodeRow | None:
    sql = (
        "SELECT c.account_id, c.name, a.email, c.expires_at_ms, c.used_at_ms "
        "FROM share_code c JOIN account a ON a.id = c.account_id WHERE c.code_key = ?"
    )
    rows = await fetch(conn, sql, (key,))
    return CodeRow(*rows[0]) if rows else None


async def use_code(conn: Connection, key: str, now: int) -> bool:
    """Mark the code used unless it already was or has expired: True if this call used it."""
    sql = (
        "UPDATE share_code SET used_at_ms = ? "
        "WHERE code_key = ? AND used_at_ms IS NULL AND expires_at_ms > ? RETURNING code_key"
    )
    return bool(await fetch(conn, sql, (now, key, now)))


_GRANT = (
    "SELECT id, clinician_id, clinician_label, scope, created_at_ms, updated_at_ms FROM care_grant"
)


async def grant_between(conn: Connection, patient_id: int, clinician_id: int) -> GrantRow | None:
    sql = f"{_GRANT} WHERE account_id = ? AND clinician_id = ?"
    rows = await fetch(conn, sql, (patient_id, clinician_id))
    return GrantRow(*rows[0]) if rows else None


async def grant(conn: Connection, patient_id: int, grant_id: int) -> GrantRow | None:
    rows = await fetch(conn, f"{_GRANT} WHERE account_id = ? AND id = ?", (patient_id, grant_id))
    return GrantRow(*rows[0]) if rows else None


async def grants(conn: Connection, patient_id: int) -> list[GrantRow]:
    sql = f"{_GRANT} WHERE account_id = ? ORDER BY created_at_ms, id"
    return [GrantRow(*row) for row in await fetch(conn, sql, (patient_id,))]


async def insert_grant(
    conn: Connection, patient_id: int, clinician_id: int, label: str, scope: str, now: int
) -> int:
    # Two codes of one clinician used at once by one patient meet here: the later one updates.
    sql = (
        "INSERT INTO care_grant (account_id, clinician_id, clinician_label, scope, "
        "created_at_ms, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (account_id, clinician_id) DO UPDATE SET "
        "clinician_label = excluded.clinician_label, scope = excluded.scope, "
        "updated_at_ms = excluded.updated_at_ms RETURNING id"
    )
    ((grant_id,),) = await fetch(conn, sql, (patient_id, clinician_id, label, scope, now, now))
    return int(grant_id)


async def update_grant(conn: Connection, grant_id: int, label: str, scope: str, now: int) -> None:
    sql = "UPDATE care_grant SET clinician_label = ?, scope = ?, updated_at_ms = ? WHERE id = ?"
    await execute(conn, sql, (label, scope, now, grant_id))


async def delete_grant(conn: Connection, grant_id: int) -> None:
    await execute(conn, "DELETE FROM care_grant WHERE id = ?", (grant_id,))


async def patients(
    conn: Connection, clinician_id: int, patient_id: int | None = None
) -> list[PatientRow]:
    """The clinician's patients (or the one patient, if granted)."""
    sql = (
        "SELECT g.account_id, a.email, g.scope, g.clinician_label, g.created_at_ms, a.time_zone, "
        "COALESCE(c.seq, 0), s.seq, s.day, s.summary "
        "FROM care_grant g JOIN account a ON a.id = g.account_id "
        "LEFT JOIN sync_counter c ON c.account_id = g.account_id "
        "LEFT JOIN patient_summary s ON s.account_id = g.account_id "
        "WHERE g.clinician_id = ?"
    )
    params: tuple[int, ...] = (clinician_id,)
    if patient_id is not None:
        sql += " AND g.account_id = ?"
        params += (patient_id,)
    return [PatientRow(*row) for row in await fetch(conn, sql, params)]


async def save_summary(conn: Connection, patient_id: int, seq: int, day: str, body: str) -> None:
    sql = (
        "INSERT INTO patient_summary (account_id, seq, day, summary) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (account_id) DO UPDATE SET seq = excluded.seq, day = excluded.day, "
        "summary = excluded.summary"
    )
    await execute(conn, sql, (patient_id, seq, day, body))


_EVENTS_PER_STATEMENT = 500  # 3,000 parameters, far below SQLite's limit of 32,766
_EVENT_COLUMNS = [
    *bigint("account_id", "clinician_id"),
    *text("clinician_label", "kind", "detail"),
    *bigint("at_ms"),
]


async def append_events(
    conn: Connection, rows: Sequence[tuple[int, int | None, str, str, str | None, int]]
) -> None:
    """(patient, clinician, label, kind, detail, at_ms) rows in one statement: an ``unnest``
    on PostgreSQL, a multi-row ``VALUES`` on SQLite (measured faster than a prepared
    statement run per row, for a list of 200 patients)."""
    if is_pg(conn):
        await bulk(conn, "access_event", _EVENT_COLUMNS, rows, "")
        return
    for start in range(0, len(rows), _EVENTS_PER_STATEMENT):
        chunk = rows[start : start + _EVENTS_PER_STATEMENT]
        marks = ", ".join("(?, ?, ?, ?, ?, ?)" for _ in chunk)
        # Only placeholders are joined in.
        columns = "account_id, clinician_id, clinician_label, kind, detail, at_ms"
        sql = f"INSERT INTO access_event ({columns}) VALUES {marks}"  # noqa: S608
        await execute(conn, sql, tuple(value for row in chunk for value in row))


async def events(conn: Connection, patient_id: int, limit: int) -> list[EventRow]:
    """The newest first."""
    sql = (
        "SELECT clinician_label, kind, detail, at_ms FROM access_event WHERE account_id = ? "
        "ORDER BY at_ms DESC, id DESC LIMIT ?"
    )
    return [EventRow(*row) for row in await fetch(conn, sql, (patient_id, limit))]


async def recent_sets(conn: Connection, patient_id: int, limit: int) -> list[SetRow]:
    sql = (
        "SELECT exercise, side, reps, weight_g, rpe_x10, performed_at_ms, note FROM logged_set "
        "WHERE account_id = ? AND performed_at_ms IS NOT NULL "
        "ORDER BY performed_at_ms DESC, set_id LIMIT ?"
    )
    return [SetRow(*row) for row in await fetch(conn, sql, (patient_id, limit))]


async def clinician_grants(conn: Connection, clinician_id: int) -> list[tuple[int, str]]:
    """(patient, label) of every grant held by a clinician."""
    sql = "SELECT account_id, clinician_label FROM care_grant WHERE clinician_id = ?"
    return [(int(p), str(label)) for p, label in await fetch(conn, sql, (clinician_id,))]


async def erase_clinician(conn: Connection, clinician_id: int) -> None:
    """The clinician side of an erased account: its grants end; patients' logs keep the label
    they showed, without the id."""
    await execute(conn, "DELETE FROM care_grant WHERE clinician_id = ?", (clinician_id,))
    sql = "UPDATE access_event SET clinician_id = NULL WHERE clinician_id = ?"
    await execute(conn, sql, (clinician_id,))


async def time_zone(conn: Connection, account_id: int) -> str:
    ((zone,),) = await fetch(conn, "SELECT time_zone FROM account WHERE id = ?", (account_id,))
    return str(zone)
