"""weekly aggregate: per account, exercise and local ISO week, the volume of each side

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 03:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# Every week with a daily row, summed from ``set_daily`` (already in the account's zone).
_FILL = (
    "INSERT INTO set_weekly (account_id, exercise, week, left_volume, right_volume, sessions) "
    "SELECT account_id, exercise, {week}, "
    "SUM(CASE WHEN side = 'left' THEN volume ELSE 0 END), "
    "SUM(CASE WHEN side = 'right' THEN volume ELSE 0 END), COUNT(DISTINCT day) "
    "FROM set_daily GROUP BY account_id, exercise, {week}"
)
# The Monday of a YYYY-MM-DD day, as YYYY-MM-DD.
_MONDAY = {
    "sqlite": "date(day, '-' || ((CAST(strftime('%w', day) AS INTEGER) + 6) % 7) || ' days')",
    "postgresql": "to_char(date_trunc('week', CAST(day AS date)), 'YYYY-MM-DD')",
}


def upgrade() -> None:
    op.create_table(
        "set_weekly",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("exercise", sa.String(length=64), nullable=False),
        sa.Column("week", sa.String(length=10), nullable=False),
        sa.Column("left_volume", sa.BigInteger(), nullable=False),
        sa.Column("right_volume", sa.BigInteger(), nullable=False),
        sa.Column("sessions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("account_id", "exercise", "week"),
    )
    op.execute(_FILL.format(week=_MONDAY[op.get_bind().dialect.name]))


def downgrade() -> None:
    op.drop_table("set_weekly")
