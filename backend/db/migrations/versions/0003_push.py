"""push: quiet hours, push subscriptions, reminder schedule, push outbox and send log

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("quiet_start", sa.String(length=5), nullable=True))
        batch_op.add_column(sa.Column("quiet_end", sa.String(length=5), nullable=True))

    op.create_table(
        "push_subscription",
        sa.Column("id", BigId, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("endpoint", sa.String(length=1000), nullable=False),
        sa.Column("p256dh", sa.String(length=100), nullable=False),
        sa.Column("auth", sa.String(length=32), nullable=False),
        sa.Column("key_id", sa.String(length=16), nullable=False),
        sa.Column("device_id", sa.String(length=16), nullable=True),
        sa.Column("expires_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("registered_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("last_outcome", sa.String(length=32), nullable=True),
        sa.Column("last_outcome_at_ms", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("endpoint"),
        sqlite_autoincrement=True,
    )
    with op.batch_alter_table("push_subscription", schema=None) as batch_op:
        batch_op.create_index("ix_push_subscription_account_id", ["account_id"])

    op.create_table(
        "reminder_schedule",
        sa.Column("reminder_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("weekdays", sa.Integer(), nullable=False),
        sa.Column("local_time", sa.String(length=5), nullable=False),
        sa.Column("tz", sa.String(length=64), nullable=False),
        sa.Column("limb", sa.String(length=16), nullable=False),
        sa.Column("exercises", sa.Text(), nullable=False),
        sa.Column("fire_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("reminder_id"),
    )
    with op.batch_alter_table("reminder_schedule", schema=None) as batch_op:
        batch_op.create_index("ix_reminder_schedule_account_id", ["account_id"])
        batch_op.create_index("ix_reminder_schedule_fire_at_ms", ["fire_at_ms"])

    op.create_table(
        "push_send",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("fire_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("subscription_id", sa.BigInteger(), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("reason", sa.String(length=32), nullable=True),
        sa.Column("status", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("lease_until_ms", sa.BigInteger(), nullable=False),
        sa.Column("lease_token", sa.String(length=16), nullable=True),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("updated_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", "fire_at_ms", "subscription_id"),
    )
    with op.batch_alter_table("push_send", schema=None) as batch_op:
        batch_op.create_index("ix_push_send_due", ["state", "next_attempt_ms"])


def downgrade() -> None:
    op.drop_table("push_send")
    op.drop_table("reminder_schedule")
    op.drop_table("push_subscription")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_column("quiet_end")
        batch_op.drop_column("quiet_start")
