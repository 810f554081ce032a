"""weekly aggregate: per account, exercise and local ISO week, volumes and daily bests

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from backend.db.daily_rows import READ_COLUMNS, figures_of
from backend.db.weekly import COLUMNS, rows_of

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "set_weekly",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("exercise", sa.String(length=64), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("left_volume", sa.BigInteger(), nullable=False),
        sa.Column("right_volume", sa.BigInteger(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.Column("epley", sa.Text(), nullable=False),
        sa.Column("brzycki", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "exercise", "week"),
    )
    _backfill_weeks()


def _backfill_weeks() -> None:
    """Every week of the daily aggregate as it stands (already in each account's zone)."""
    conn = op.get_bind()
    daily = conn.execute(
        sa.text(f"SELECT account_id, {', '.join(READ_COLUMNS)} FROM set_daily")  # noqa: S608
    ).all()
    by_account: dict[int, list[tuple[object, ...]]] = {}
    for account_id, *row in daily:
        by_account.setdefault(account_id, []).append(tuple(row))
    values = [
        dict(zip(COLUMNS, row, strict=True))
        for account_id, rows in by_account.items()
        for row in rows_of(account_id, figures_of(rows))
    ]
    if values:
        names = ", ".join(COLUMNS)
        marks = ", ".join(f":{c}" for c in COLUMNS)
        conn.execute(sa.text(f"INSERT INTO set_weekly ({names}) VALUES ({marks})"), values)  # noqa: S608


def downgrade() -> None:
    op.drop_table("set_weekly")
