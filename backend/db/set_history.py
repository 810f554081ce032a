"""Reads of what an account trained, for reminders: per-exercise set counts (``set_daily``) and
the exercises trained on one side within an instant range (``logged_set``)."""

from __future__ import annotations

from backend.db.connection import Connection
from backend.db.driver import fetch


async def sets_per_exercise(conn: Connection, account_id: int) -> dict[str, int]:
    """Per-side sets logged of each exercise, all time."""
    sql = "SELECT exercise, SUM(sets) FROM set_daily WHERE account_id = ? GROUP BY exercise"
    return {exercise: int(n) for exercise, n in await fetch(conn, sql, (account_id,))}


async def exercises_trained(
    conn: Connection, account_id: int, side: str, start_ms: int, end_ms: int
) -> list[str]:
    """The exercises with a set on ``side`` performed in [start_ms, end_ms)."""
    sql = (
        "SELECT DISTINCT exercise FROM logged_set WHERE account_id = ? AND side = ? "
        "AND performed_at_ms >= ? AND performed_at_ms < ? AND exercise IS NOT NULL"
    )
    return [row[0] for row in await fetch(conn, sql, (account_id, side, start_ms, end_ms))]
