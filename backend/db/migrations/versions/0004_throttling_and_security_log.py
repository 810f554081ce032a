"""throttling and security log: rate limit buckets, failed sign-ins, security events

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05 09:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    # The hourly sweep deletes expired sessions by expiry.
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.create_index("ix_web_session_expires_at_ms", ["expires_at_ms"])

    op.create_table(
        "rate_limit",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("tat_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )
    with op.batch_alter_table("rate_limit", schema=None) as batch_op:
        batch_op.create_index("ix_rate_limit_tat_ms", ["tat_ms"])

    op.create_table(
        "sign_in_failure",
        sa.Column("email_key", sa.String(length=64), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_ms", sa.BigInteger(), nullable=False),
        sa.Column("locked_until_ms", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("email_key"),
    )
    with op.batch_alter_table("sign_in_failure", schema=None) as batch_op:
        batch_op.create_index("ix_sign_in_failure_last_failure_ms", ["last_failure_ms"])

    op.create_table(
        "security_event",
        sa.Column("id", BigId, nullable=False),
        sa.Column("account_id", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("at_ms", sa.BigInteger(), nullable=False),
        sa.Column("address", sa.String(length=45), nullable=True),
        sa.Column("detail", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("security_event", schema=None) as batch_op:
        batch_op.create_index("ix_security_event_account", ["account_id", "at_ms"])
        batch_op.create_index("ix_security_event_at_ms", ["at_ms"])


def downgrade() -> None:
    op.drop_table("security_event")
    op.drop_table("sign_in_failure")
    op.drop_table("rate_limit")
    with op.batch_alter_table("web_session", schema=None) as batch_op:
        batch_op.drop_index("ix_web_session_expires_at_ms")
