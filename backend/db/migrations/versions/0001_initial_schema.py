"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-21 08:52:10.313530
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("password_hash", sa.Text(), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("email"),
    )
    op.create_table(
        "device",
        sa.Column("node_id", sa.String(length=16), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("node_id"),
    )
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_device_account_id"), ["account_id"], unique=False)

    op.create_table(
        "field_state",
        sa.Column(
            "record_id",
            sa.Text().with_variant(sa.Text(collation="C"), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "field", sa.Text().with_variant(sa.Text(collation="C"), "postgresql"), nullable=False
        ),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column(
            "value", sa.Text().with_variant(sa.Text(collation="C"), "postgresql"), nullable=False
        ),
        sa.Column(
            "hlc", sa.Text().with_variant(sa.Text(collation="C"), "postgresql"), nullable=False
        ),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("record_id", "field"),
    )
    with op.batch_alter_table("field_state", schema=None) as batch_op:
        batch_op.create_index(
            "ix_field_state_pull", ["account_id", "seq", "record_id", "field"], unique=True
        )

    op.create_table(
        "logged_set",
        sa.Column("set_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("exercise", sa.String(length=64), nullable=True),
        sa.Column("side", sa.String(length=8), nullable=True),
        sa.Column("reps", sa.Integer(), nullable=True),
        sa.Column("weight_g", sa.Integer(), nullable=True),
        sa.Column("rpe_x10", sa.Integer(), nullable=True),
        sa.Column("eccentric_ms", sa.Integer(), nullable=True),
        sa.Column("performed_at_ms", sa.BigInteger(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("set_id"),
    )
    with op.batch_alter_table("logged_set", schema=None) as batch_op:
        batch_op.create_index(
            "ix_logged_set_account_exercise_time",
            ["account_id", "exercise", "performed_at_ms"],
            unique=False,
        )

    op.create_table(
        "op_log",
        sa.Column("op_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("device_id", sa.String(length=16), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("field", sa.String(length=64), nullable=False),
        sa.Column(
            "value", sa.Text().with_variant(sa.Text(collation="C"), "postgresql"), nullable=False
        ),
        sa.Column(
            "hlc", sa.Text().with_variant(sa.Text(collation="C"), "postgresql"), nullable=False
        ),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("received_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("op_id"),
    )
    with op.batch_alter_table("op_log", schema=None) as batch_op:
        batch_op.create_index("ix_op_log_account_seq", ["account_id", "seq"], unique=False)

    op.create_table(
        "record",
        sa.Column("record_id", sa.String(length=36), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("record_type", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("record_id"),
    )
    op.create_table(
        "sync_counter",
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("epoch", sa.String(length=16), nullable=False),
        sa.PrimaryKeyConstraint("account_id"),
    )
    op.create_table(
        "web_session",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("created_at_ms", sa.BigInteger(), nullable=False),
        sa.Column("expires_at_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("token_hash"),
    )
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_web_session_account_id"), ["account_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_web_session_account_id"))

    op.drop_table("web_session")
    op.drop_table("sync_counter")
    op.drop_table("record")
    with op.batch_alter_table("op_log", schema=None) as batch_op:
        batch_op.drop_index("ix_op_log_account_seq")

    op.drop_table("op_log")
    with op.batch_alter_table("logged_set", schema=None) as batch_op:
        batch_op.drop_index("ix_logged_set_account_exercise_time")

    op.drop_table("logged_set")
    with op.batch_alter_table("field_state", schema=None) as batch_op:
        batch_op.drop_index("ix_field_state_pull")

    op.drop_table("field_state")
    with op.batch_alter_table("device", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_device_account_id"))

    op.drop_table("device")
    op.drop_table("account")
