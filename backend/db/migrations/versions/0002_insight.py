"""insight: account time zone, daily set aggregate, alert evaluation marks

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 11:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from backend.db.daily_rows import COLUMNS, row_of
from backend.domain.strength import SetEntry, daily_figures

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("time_zone", sa.String(length=64), nullable=False, server_default="UTC")
        )
    with op.batch_alter_table("sync_counter", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("evaluated_seq", sa.BigInteger(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("evaluated_at_ms", sa.BigInteger(), nullable=False, server_default="0")
        )
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.create_index("ix_record_account_type", ["account_id", "record_type"])
    op.create_table(
        "set_daily",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("exercise", sa.String(length=64), nullable=False),
        sa.Column("day", sa.String(length=10), nullable=False),
        sa.Column("side", sa.String(length=5), nullable=False),
        sa.Column("sets", sa.Integer(), nullable=False),
        sa.Column("volume", sa.BigInteger(), nullable=False),
        sa.Column("epley_e1rm_g", sa.BigInteger(), nullable=True),
        sa.Column("epley_weight_g", sa.Integer(), nullable=True),
        sa.Column("epley_reps", sa.Integer(), nullable=True),
        sa.Column("brzycki_e1rm_g", sa.BigInteger(), nullable=True),
        sa.Column("brzycki_weight_g", sa.Integer(), nullable=True),
        sa.Column("brzycki_reps", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("account_id", "exercise", "day", "side"),
    )
    _backfill_days()


def _backfill_days() -> None:
    """Sets synced before this revision, by UTC day (every account's zone starts as UTC)."""
    conn = op.get_bind()
    rows = conn.execute(
        sa.text(
            "SELECT account_id, exercise, side, reps, weight_g, performed_at_ms FROM logged_set "
            "WHERE exercise IS NOT NULL AND side IS NOT NULL AND reps IS NOT NULL "
            "AND weight_g IS NOT NULL AND performed_at_ms IS NOT NULL"
        )
    ).all()
    by_account: dict[int, list[SetEntry]] = {}
    for account_id, exercise, side, reps, weight_g, performed_at in rows:
        by_account.setdefault(account_id, []).append(
            SetEntry(
                exercise=exercise,
                side=side,
                reps=reps,
                weight_g=weight_g,
                performed_at=performed_at,
            )
        )
    values = [
        dict(zip(COLUMNS, row_of(account_id, f), strict=True))
        for account_id, entries in by_account.items()
        for f in daily_figures(entries)
    ]
    if values:
        names = ", ".join(COLUMNS)
        marks = ", ".join(f":{c}" for c in COLUMNS)
        conn.execute(sa.text(f"INSERT INTO set_daily ({names}) VALUES ({marks})"), values)  # noqa: S608


def downgrade() -> None:
    op.drop_table("set_daily")
    with op.batch_alter_table("record", schema=None) as batch_op:
        batch_op.drop_index("ix_record_account_type")
    with op.batch_alter_table("sync_counter", schema=None) as batch_op:
        batch_op.drop_column("evaluated_at_ms")
        batch_op.drop_column("evaluated_seq")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("time_zone")
